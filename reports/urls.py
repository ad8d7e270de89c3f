from django.urls import path, re_path

from . import heads, views

app_name = "reports"

urlpatterns = [
    path("bao-cao/", views.dashboard, name="dashboard"),
    path("bao-cao/danh-sach/<slug:key>/", views.figure_list, name="figure"),
    path("bao-cao/nguoi-dung-dau/", heads.my_scorecard, name="my_scorecard"),
    path("bao-cao/nguoi-dung-dau/<int:pk>/", heads.head_scorecard, name="head_scorecard"),
    re_path(r"^bao-cao/dinh-ky\.(?P<fmt>docx|xlsx)$", views.periodic_report, name="periodic"),
    path("giam-sat/hoi-nghi/", views.monitor_sessions, name="monitor_sessions"),
    path("giam-sat/kien-nghi/", views.monitor_petitions, name="monitor_petitions"),
    path("giam-sat/kien-nghi/<int:pk>/", views.monitor_petition, name="monitor_petition"),
    path("giam-sat/kien-nghi/<int:pk>/ghi-chu/", views.monitor_note_add, name="monitor_note_add"),
    path("giam-sat/tra-loi/", views.monitor_replies, name="monitor_replies"),
    path("giam-sat/tra-loi/<int:reply_pk>/danh-gia/", views.monitor_assess, name="monitor_assess"),
]
