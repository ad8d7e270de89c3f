"""URLs of the session pages that only concern the session (namespace ``sessions``, assembled
with the session pages of ``petitions.urls`` in ``dialogue_portal.urls``)."""

from django.urls import path

from . import item_views, views

urlpatterns = [
    path("", views.session_list, name="list"),
    path("moi/", views.session_create, name="create"),
    path("<int:pk>/sua/", views.session_edit, name="edit"),
    path("<int:pk>/bien-ban/", views.minutes_file, name="minutes_file"),
    path("<int:pk>/thong-bao/ban-ky/", views.notice_signed_file, name="notice_signed_file"),
    path("<int:pk>/thong-bao/ban-ky/tai-len/", views.notice_signed_upload, name="notice_signed_upload"),
    path("<int:pk>/ket-luan/them/", item_views.item_add, name="item_add"),
]
