"""URLs of the petition pages (namespace ``petitions``) and of the session pages that show or
change petitions (``session_urlpatterns``, served in the ``sessions`` namespace)."""

from django.urls import path

from . import session_views, views

app_name = "petitions"

urlpatterns = [
    path("", views.petition_list, name="list"),
    path("can-xu-ly/", views.inbox, name="inbox"),
    path("theo-doi/", views.to_follow, name="to_follow"),
    path("<int:pk>/", views.petition_detail, name="detail"),
    path("<int:pk>/tra-loi/", views.reply_create, name="reply"),
    path("<int:pk>/tra-loi/du-thao.docx", views.reply_draft, name="reply_draft"),
    path("<int:pk>/chuyen/", views.forward_create, name="forward"),
    path("<int:pk>/phuc-tap/", views.complex_create, name="complex"),
    path("<int:pk>/ket-thuc/", views.petition_close, name="close"),
    path("<int:pk>/thu-hoi/", views.petition_withdraw, name="withdraw"),
    path("<int:pk>/phieu-tiep-nhan.docx", views.receipt, name="receipt"),
    path("<int:pk>/bao-ve-danh-tinh/", views.petition_protect, name="protect"),
    path("<int:pk>/cong-khai/", views.petition_publish, name="publish"),
    path("<int:pk>/thoi-cong-khai/", views.petition_unpublish, name="unpublish"),
    path("<int:pk>/chi-dao/", views.direction_create, name="direct"),
    path("<int:pk>/yeu-cau-bo-sung/", views.supplementary_request, name="supplementary_request"),
    path("phoi-hop/<int:pk>/", views.contribute, name="contribute"),
    path(
        "chuyen/<int:pk>/thong-bao-nguoi-kien-nghi.docx",
        views.forward_petitioner_letter,
        name="forward_petitioner_letter",
    ),
    path("chuyen/<int:pk>/da-thong-bao/", views.forward_told, name="forward_told"),
    path("tep/tra-loi/<int:pk>/", views.reply_letter, name="reply_letter"),
    path("tep/phoi-hop/<int:pk>/", views.contribution_letter, name="contribution_letter"),
    path("tep/chuyen/<int:pk>/", views.forward_letter, name="forward_letter"),
    path("tep/phuc-tap/<int:pk>/", views.complex_letter, name="complex_letter"),
]

session_urlpatterns = [
    path("<int:pk>/", session_views.session_detail, name="detail"),
    path("<int:pk>/thu-hoi/", session_views.session_withdraw, name="withdraw"),
    path("<int:pk>/kien-nghi/", session_views.petitions_entry, name="petitions"),
    path("<int:pk>/kien-nghi/mau-nhap.xlsx", session_views.import_template, name="import_template"),
    path("<int:pk>/kien-nghi/nhap-excel/", session_views.petitions_import, name="import"),
    path("<int:pk>/kien-nghi/<int:petition_pk>/lam-ro/", session_views.petition_clarify, name="clarify"),
    path("<int:pk>/thong-bao/giao-don-vi/", session_views.notice_assign, name="notice_assign"),
    path("<int:pk>/thong-bao/ban-hanh/", session_views.notice_issue, name="notice_issue"),
    path("<int:pk>/thong-bao/tai-ve.docx", session_views.notice_download, name="notice_docx"),
    path("<int:pk>/thong-bao/khong-phat-sinh/", session_views.no_notice_record, name="no_notice"),
    path(
        "<int:pk>/thong-bao/noi-nhan/<int:recipient_pk>/", session_views.recipient_received, name="recipient_received"
    ),
]
