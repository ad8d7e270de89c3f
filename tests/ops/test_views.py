"""The administrators' system-status page (``ops:status``)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.schedule import DEADLINE_JOB, DEADLINE_TASK, EMAIL_TASK
from ops.models import JobOutcome, JobRun, JobSource
from tests import factories as f

pytestmark = pytest.mark.django_db

STATUS = reverse("ops:status")


@pytest.fixture
def admin_user(province):
    return f.UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def history():
    now = timezone.now()
    daily = JobRun.objects.create(
        job=DEADLINE_TASK, started=now - dt.timedelta(hours=2), finished=now - dt.timedelta(hours=2, seconds=-42),
        outcome=JobOutcome.SUCCESS,
        counts={"today": "2026-03-20", "created": {"reply:overdue": 15, "notice:remind_3": 2},
                "obligations": {"reply:overdue": 3, "notice:remind_3": 1}, "total_created": 17},
    )  # fmt: skip
    failed = JobRun.objects.create(
        job=EMAIL_TASK, started=now - dt.timedelta(hours=1), finished=now - dt.timedelta(hours=1),
        outcome=JobOutcome.RETRY, error="OperationalError: SMTP máy chủ không trả lời",
    )  # fmt: skip
    command = JobRun.objects.create(
        job=DEADLINE_TASK, source=JobSource.COMMAND, started=now - dt.timedelta(days=1), outcome=JobOutcome.SUCCESS
    )
    return daily, failed, command


def test_the_status_page_shows_the_jobs_their_windows_and_the_history(client, admin_user, history):
    client.force_login(admin_user)
    response = client.get(STATUS)
    assert response.status_code == 200
    page = response.content.decode()
    assert DEADLINE_JOB in page and "hằng ngày lúc 07:00" in page and "mỗi 15 phút" in page
    assert "Thông báo kết luận — nhắc trước 3 ngày" in page and "1 nghĩa vụ, 2 thông báo mới" in page
    assert "Trả lời kiến nghị — quá hạn" in page and "3 nghĩa vụ, 15 thông báo mới" in page
    assert "SMTP máy chủ không trả lời" in page and "Lỗi, sẽ chạy lại" in page
    assert "Lệnh quản trị" in page and "42,0 giây" in page
    assert "Kiểm tra sẵn sàng" in page


def test_the_history_filters_by_job(client, admin_user, history):
    client.force_login(admin_user)
    page = client.get(STATUS, {"cong_viec": EMAIL_TASK}).content.decode()
    assert "SMTP máy chủ không trả lời" in page and "42,0 giây" not in page
    # An unknown job shows everything rather than failing.
    assert client.get(STATUS, {"cong_viec": "<script>", "page": "xyz"}).status_code == 200


def test_the_history_is_paginated_and_the_page_cost_is_bounded(client, admin_user, django_assert_max_num_queries):
    now = timezone.now()
    JobRun.objects.bulk_create(
        [JobRun(job=EMAIL_TASK, started=now - dt.timedelta(minutes=15 * i), outcome="success") for i in range(120)]
    )
    client.force_login(admin_user)
    with django_assert_max_num_queries(20):
        response = client.get(STATUS, {"page": 2})
    assert response.status_code == 200 and "Trang 2/5" in response.content.decode()


def test_only_administrators_open_the_status_page(client, staff_user, province):
    assert client.get(STATUS).status_code == 302
    client.force_login(staff_user)
    assert client.get(STATUS).status_code == 404
    by_role = f.UserFactory(username="quantri")
    f.MembershipFactory(user=by_role, unit=province.province, role="admin")
    client.force_login(by_role)
    assert client.get(STATUS).status_code == 200


def test_the_navigation_links_the_status_page_for_administrators_only(client, admin_user, staff_user):
    client.force_login(staff_user)
    assert STATUS not in client.get(reverse("home")).content.decode()
    client.force_login(admin_user)
    assert STATUS in client.get(reverse("home")).content.decode()


def test_the_job_runs_are_read_only_in_the_admin(client, admin_user, history):
    client.force_login(admin_user)
    run = history[0]
    assert client.get(reverse("admin:ops_jobrun_changelist")).status_code == 200
    assert client.get(reverse("admin:ops_jobrun_change", args=[run.pk])).status_code == 200
    assert client.get(reverse("admin:ops_jobrun_add")).status_code == 403
    assert client.get(reverse("admin:ops_jobrun_delete", args=[run.pk])).status_code == 403
    client.post(reverse("admin:ops_jobrun_change", args=[run.pk]), {"outcome": "failure"})
    run.refresh_from_db()
    assert run.outcome == JobOutcome.SUCCESS
