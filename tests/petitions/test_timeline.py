"""The petition page after the daily job: the job writes on the timeline without an actor (as
"Hệ thống"); the page once raised on that (``default:e.actor.username``) and answered 500 to
exactly the petitions that needed action, reached from the notification links."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from petitions.models import EventKind
from tests.deadline_world import at, reply_deadlines_enforce

pytestmark = pytest.mark.django_db


def test_every_role_opens_a_petition_the_daily_job_wrote_on(assigned, people, province):
    petition = assigned[0]
    with at(dt.date(2026, 4, 10)):  # replies were due on 06/04: overdue, escalated
        reply_deadlines_enforce()
        system_events = petition.events.filter(actor__isnull=True)
        assert system_events.filter(kind=EventKind.ESCALATED).exists()
        admin = people.staff.__class__.objects.create_superuser("quan_tri", "qt@example.vn", "x")
        pages = [
            (people.staff, reverse("petitions:detail", args=[petition.pk])),
            (people.agency, reverse("petitions:detail", args=[petition.pk])),
            (people.board, reverse("petitions:detail", args=[petition.pk])),
            (admin, reverse("petitions:detail", args=[petition.pk])),
            (people.front, reverse("reports:monitor_petition", args=[petition.pk])),
        ]
        for user, url in pages:
            client = Client(raise_request_exception=True)
            client.force_login(user)
            response = client.get(url)
            assert response.status_code == 200, (user, url)
            assert "Hệ thống" in response.content.decode()
        # The notification's link leads there too.
        client = Client(raise_request_exception=True)
        client.force_login(people.agency)
        notification = people.agency.notifications.filter(petition=petition).first()
        response = client.get(reverse("notifications:open", args=[notification.pk]), follow=True)
        assert response.status_code == 200 and response.redirect_chain[-1][0].endswith(f"/kien-nghi/{petition.pk}/")
