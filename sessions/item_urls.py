"""URLs of the chair's conclusions and commitments (namespace ``commitments``); recording them on
a session is ``sessions:item_add``."""

from django.urls import path

from . import item_views

app_name = "commitments"

urlpatterns = [
    path("", item_views.item_list, name="list"),
    path("<int:pk>/", item_views.item_detail, name="detail"),
    path("<int:pk>/hoan-thanh/", item_views.item_complete, name="complete"),
    path("<int:pk>/thu-hoi/", item_views.item_withdraw, name="withdraw"),
    path("<int:pk>/danh-gia/", item_views.item_assess, name="assess"),
    path("<int:pk>/van-ban/", item_views.item_evidence, name="evidence"),
]
