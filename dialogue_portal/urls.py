from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from petitions import urls as petition_urls
from sessions import urls as session_urls

from . import views
from .forms import AdminLoginForm, LoginForm

admin.site.login_form = AdminLoginForm

# The session pages come from two layers: ``sessions`` (the session itself) and ``petitions``
# (the pages that show or change its petitions); one namespace keeps their URLs together.
session_patterns = (session_urls.urlpatterns + petition_urls.session_urlpatterns, "sessions")

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("quan-tri/", admin.site.urls),
    path("hoi-nghi/", include(session_patterns)),
    path("ke-hoach/", include("sessions.plan_urls")),
    path("ket-luan/", include("sessions.item_urls")),
    path("kien-nghi/", include("petitions.urls")),
    path("thong-bao/", include("notifications.urls")),
    path("", include("reports.urls")),
    path("", include("ops.urls")),
    path("", include("public.urls")),
]
