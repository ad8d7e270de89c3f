"""Bad input, property-based, for the forms of the heads' cycle: the annual plan, its planned
dialogues and its issue, the chair's conclusions and commitments (recording, done with evidence,
the Front's assessment) and the head's direction. Same harness as ``test_bad_input``: never a 500,
never a partial write, every example in a rolled-back savepoint."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.security.test_bad_input import (
    FUZZ,
    _QuietWorld,
    client_for,
    dates,
    ids,
    ints,
    maybe_files,
    submit,
    texts,
)
from tests.security.world import build_world, frozen_clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(province, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast test users
    with frozen_clock():
        yield _QuietWorld(**vars(build_world(province)))


months = st.one_of(st.sampled_from(["", "1", "12", "13", "0", "-1"]), ints)
leaders = lambda w: st.one_of(  # noqa: E731
    st.sampled_from([str(w.own.leader.pk), str(w.foreign.leader.pk)]), ints
)


@FUZZ
@given(data=st.data())
def test_plan_forms_never_crash_nor_half_write(world, data):
    client = client_for(world, "staff")
    submit(
        client,
        reverse("plans:create"),
        {"unit": data.draw(ids(world)), "year": data.draw(ints), "summary": data.draw(texts)},
    )
    submit(
        client,
        reverse("plans:item_add", kwargs={"pk": world.own.plan.pk}),
        {
            "topic": data.draw(texts),
            "expected_month": data.draw(months),
            "expected_quarter": data.draw(months),
            "chair": data.draw(leaders(world)),
            "invited": data.draw(st.lists(st.one_of(st.sampled_from(["people", "front", "businesses"]), texts))),
            "invited_note": data.draw(texts),
        },
        touched=[world.own.plan],
    )
    submit(
        client,
        reverse("plans:issue", kwargs={"pk": world.own.draft_plan.pk}),
        {"number": data.draw(texts), "issued_on": data.draw(dates), "signed_file": data.draw(maybe_files)},
        touched=[world.own.draft_plan],
    )


@FUZZ
@given(data=st.data())
def test_commitment_forms_never_crash_nor_half_write(world, data):
    staff = client_for(world, "staff")
    submit(
        staff,
        reverse("sessions:item_add", kwargs={"pk": world.own.issued_session.pk}),
        {
            "kind": data.draw(st.one_of(st.sampled_from(["commitment", "conclusion"]), texts)),
            "text": data.draw(texts),
            "responsible_unit": data.draw(ids(world)),
            "target_on": data.draw(dates),
        },
    )
    submit(
        client_for(world, "agency"),
        reverse("commitments:complete", kwargs={"pk": world.own.item_open.pk}),
        {"done_on": data.draw(dates), "note": data.draw(texts), "evidence": data.draw(maybe_files)},
        touched=[world.own.item_open],
    )
    submit(
        client_for(world, "front"),
        reverse("commitments:assess", kwargs={"pk": world.own.item_done.pk}),
        {
            "result": data.draw(st.one_of(st.sampled_from(["satisfied", "unsatisfied"]), texts)),
            "reason": data.draw(texts),
            "assessed_on": data.draw(dates),
        },
        touched=[world.own.item_done],
    )


@FUZZ
@given(data=st.data())
def test_direction_form_never_crashes_nor_half_writes(world, data):
    submit(
        client_for(world, "staff"),
        reverse("petitions:direct", kwargs={"pk": world.own.p_replied.pk}),
        {"leader": data.draw(leaders(world)), "text": data.draw(texts), "given_on": data.draw(dates)},
        touched=[world.own.p_replied],
    )
