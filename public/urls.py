"""The public pages (namespace ``public``): no login, no JavaScript, no personal data."""

from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("tra-cuu/", views.lookup, name="lookup"),
    path("cong-khai/", views.index, name="index"),
    path("cong-khai/hoi-nghi/<int:pk>/", views.session_results, name="session"),
    path("cong-khai/don-vi/<int:pk>/", views.unit_results, name="unit"),
    path("cong-khai/don-vi/<int:pk>/so-lieu/", views.unit_figures, name="figures"),
]
