"""Login throttling (django-axes), password validators and session expiry."""

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def _attempt(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.9")


def test_repeated_failed_logins_lock_the_account_even_with_the_right_password(client):
    f.UserFactory(username="canbo", password="Mat-khau-dung-2026")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _attempt(client, "canbo", "sai")
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
    response = _attempt(client, "canbo", "sai")
    assert response.status_code == 429
    assert "tạm thời bị khóa" in response.content.decode()
    response = _attempt(client, "canbo", "Mat-khau-dung-2026")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_successful_login_works_and_redirects_home(client):
    f.UserFactory(username="canbo2", password="Mat-khau-dung-2026")
    response = _attempt(client, "canbo2", "Mat-khau-dung-2026")
    assert response.status_code == 302 and response.url == reverse("home")


def test_weak_passwords_are_refused():
    with pytest.raises(ValidationError):
        validate_password("123456")
    with pytest.raises(ValidationError):
        validate_password("demo")


def test_sessions_expire():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
