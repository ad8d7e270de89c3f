from django.urls import path, re_path

from . import heads, report_views, views

app_name = "reports"

urlpatterns = [
    path("bao-cao/", views.dashboard, name="dashboard"),
    path("bao-cao/danh-sach/<slug:key>/", views.figure_list, name="figure"),
    path("bao-cao/nguoi-dung-dau/", heads.my_scorecard, name="my_scorecard"),
    path("bao-cao/nguoi-dung-dau/<int:pk>/", heads.head_scorecard, name="head_scorecard"),
    re_path(r"^bao-cao/dinh-ky\.(?P<fmt>docx|xlsx)$", views.periodic_report, name="periodic"),
    # The periodic reports that travel up the hierarchy
    path("bao-cao/dinh-ky/", report_views.report_list, name="report_list"),
    path("bao-cao/dinh-ky/lap/", report_views.report_create, name="report_create"),
    path("bao-cao/dinh-ky/<int:pk>/", report_views.report_detail, name="report_detail"),
    path("bao-cao/dinh-ky/<int:pk>/sua/", report_views.report_edit, name="report_edit"),
    path("bao-cao/dinh-ky/<int:pk>/ban-hanh/", report_views.report_issue, name="report_issue"),
    re_path(
        r"^bao-cao/dinh-ky/(?P<pk>[0-9]+)\.(?P<fmt>docx|xlsx)$", report_views.report_download, name="report_download"
    ),
    path("bao-cao/dinh-ky/<int:pk>/ban-ky/", report_views.report_signed_upload, name="report_signed_upload"),
    path("bao-cao/dinh-ky/<int:pk>/ban-ky/tep/", report_views.report_signed_file, name="report_signed_file"),
    path("bao-cao/dinh-ky/<int:pk>/noi-nhan/<int:recipient_pk>/", report_views.report_received, name="report_received"),
    path("bao-cao/tong-hop/", report_views.compilation, name="compilation"),
    path("bao-cao/tong-hop/lap/", report_views.compilation_create, name="compilation_create"),
    path("bao-cao/lich/", report_views.calendar, name="calendar"),
    path("giam-sat/hoi-nghi/", views.monitor_sessions, name="monitor_sessions"),
    path("giam-sat/kien-nghi/", views.monitor_petitions, name="monitor_petitions"),
    path("giam-sat/kien-nghi/<int:pk>/", views.monitor_petition, name="monitor_petition"),
    path("giam-sat/kien-nghi/<int:pk>/ghi-chu/", views.monitor_note_add, name="monitor_note_add"),
    path("giam-sat/tra-loi/", views.monitor_replies, name="monitor_replies"),
    path("giam-sat/tra-loi/<int:reply_pk>/danh-gia/", views.monitor_assess, name="monitor_assess"),
]
