"""The login forms. Django's ``AuthenticationForm`` only *shows* the username's maximum length:
an overlong username reaches ``authenticate()`` and django-axes then records it in a 255-char
column, a 500 on PostgreSQL. Here the length is validated, so such a login is a plain error."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

# Longer than any password a person types; hashing a megabyte on every try is wasted work.
PASSWORD_MAX_LENGTH = 4096


class _BoundedUsername:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))
        password = self.fields["password"]
        password.max_length = PASSWORD_MAX_LENGTH
        password.validators.append(MaxLengthValidator(PASSWORD_MAX_LENGTH))


class LoginForm(_BoundedUsername, AuthenticationForm):
    pass


class AdminLoginForm(_BoundedUsername, AdminAuthenticationForm):
    pass
