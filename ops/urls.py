from django.urls import path

from . import views

app_name = "ops"

urlpatterns = [
    path("he-thong/", views.status, name="status"),
    # Machine endpoints, all under one prefix (nginx, SECURE_REDIRECT_EXEMPT; see ops.health).
    path("suc-khoe/", views.readiness, name="readiness"),
    path("suc-khoe/song/", views.liveness, name="liveness"),
    path("suc-khoe/chi-so/", views.metrics, name="metrics"),
]
