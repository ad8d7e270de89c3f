"""URLs of the annual dialogue plans (namespace ``plans``)."""

from django.urls import path

from . import plan_views

app_name = "plans"

urlpatterns = [
    path("", plan_views.plan_list, name="list"),
    path("moi/", plan_views.plan_create, name="create"),
    path("<int:pk>/", plan_views.plan_detail, name="detail"),
    path("<int:pk>/them/", plan_views.planned_item_add, name="item_add"),
    path("<int:pk>/ban-hanh/", plan_views.plan_issue, name="issue"),
    path("<int:pk>/ban-ky/", plan_views.plan_signed_file, name="signed_file"),
    path("<int:pk>/ban-ky/tai-len/", plan_views.plan_signed_upload, name="signed_upload"),
    path("noi-dung/<int:pk>/huy/", plan_views.planned_item_withdraw, name="item_withdraw"),
]
