"""Every answer to a signed-in user — pages, exports, documents, uploaded files, redirects, the
admin — carries ``Cache-Control: private, no-store``: no shared proxy or browser disk cache keeps
a copy of a petitioner's data. (The crawl, ``test_crawl.py``, checks it on every page too.)"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.cache import get_max_age

from tests.security.world import build_world, frozen_clock

pytestmark = pytest.mark.django_db


def _directives(response) -> set[str]:
    return {d.strip().split("=")[0] for d in response.get("Cache-Control", "").split(",") if d.strip()}


def test_every_kind_of_answer_to_a_signed_in_user_is_private_and_not_stored(province, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with frozen_clock():
        world = build_world(province)
        b = world.own
        urls = {
            "staff": [
                reverse("home"),
                reverse("petitions:detail", args=[b.p_waiting.pk]),
                reverse("sessions:detail", args=[b.issued_session.pk]),
                reverse("sessions:notice_docx", args=[b.issued_session.pk]),
                reverse("sessions:minutes_file", args=[b.issued_session.pk]),
                reverse("sessions:notice_signed_file", args=[b.issued_session.pk]),
                reverse("sessions:import_template", args=[b.open_session.pk]),
                reverse("petitions:reply_letter", args=[b.reply.pk]),
                reverse("notifications:open", args=[b.notifications["staff"].pk]),  # a redirect
                reverse("petitions:detail", args=[987654321]),  # a 404
            ],
            "board": [
                reverse("reports:dashboard") + "?format=xlsx",
                reverse("reports:figure", args=["petitions_received"]) + "?format=xlsx",
                reverse("reports:periodic", args=["docx"]),
            ],
            "front": [reverse("reports:monitor_petitions") + "?format=xlsx"],
            "admin": [reverse("admin:index"), reverse("admin:petitions_petition_changelist")],
        }
        for role, role_urls in urls.items():
            client = Client()
            client.force_login(world.users[role])
            for url in role_urls:
                response = client.get(url)
                assert response.status_code < 500, url
                if getattr(response, "streaming", False):
                    b"".join(response.streaming_content)  # read to the end: closed by the test client
                assert {"private", "no-store"} <= _directives(response), (role, url, response.get("Cache-Control"))
                assert "public" not in _directives(response)
                assert get_max_age(response) in (None, 0)


def test_the_answer_that_logs_a_user_in_is_already_private(province, settings, staff_user):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    staff_user.set_password("mat-khau-dai-123")
    staff_user.save()
    client = Client()
    response = client.post(reverse("login"), {"username": "staff", "password": "mat-khau-dai-123"})
    assert response.status_code == 302
    assert {"private", "no-store"} <= _directives(response)
