from django.urls import path

from . import views

app_name = "sessions"

urlpatterns = [
    path("", views.session_list, name="list"),
    path("moi/", views.session_create, name="create"),
    path("<int:pk>/", views.session_detail, name="detail"),
    path("<int:pk>/sua/", views.session_edit, name="edit"),
    path("<int:pk>/thu-hoi/", views.session_withdraw, name="withdraw"),
    path("<int:pk>/bien-ban/", views.minutes_file, name="minutes_file"),
    path("<int:pk>/kien-nghi/", views.petitions_entry, name="petitions"),
    path("<int:pk>/kien-nghi/mau-nhap.xlsx", views.import_template, name="import_template"),
    path("<int:pk>/kien-nghi/nhap-excel/", views.petitions_import, name="import"),
    path("<int:pk>/kien-nghi/<int:petition_pk>/lam-ro/", views.petition_clarify, name="clarify"),
    path("<int:pk>/thong-bao/giao-don-vi/", views.notice_assign, name="notice_assign"),
    path("<int:pk>/thong-bao/ban-hanh/", views.notice_issue, name="notice_issue"),
    path("<int:pk>/thong-bao/tai-ve.docx", views.notice_download, name="notice_docx"),
    path("<int:pk>/thong-bao/ban-ky/", views.notice_signed_file, name="notice_signed_file"),
    path("<int:pk>/thong-bao/ban-ky/tai-len/", views.notice_signed_upload, name="notice_signed_upload"),
    path("<int:pk>/thong-bao/noi-nhan/<int:recipient_pk>/", views.recipient_received, name="recipient_received"),
]
