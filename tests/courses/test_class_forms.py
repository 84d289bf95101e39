"""The training-class form in the Wagtail admin: dates, hours, sessions and
roster must agree before anything is saved."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from courses.models import ClassParticipant, ClassSession, TrainingClass
from tests.courses import factories as f
from tests.personnel.factories import CadreFactory

pytestmark = pytest.mark.django_db
ADD = reverse("courses_trainingclass:add")


def session(title="上午", day="2030-03-04", begin="09:00", end="12:00", hours="3.5"):
    return {
        "title": title,
        "starts_at": f"{day} {begin}",
        "ends_at": f"{day} {end}",
        "hours": hours,
    }


def class_data(organiser, *, sessions=(), cadres=(), **fields):
    data = {
        "title": "全省生态环境执法骨干集中培训班",
        "kind": "centralized",
        "organiser": organiser.pk,
        "start_date": "2030-03-04",
        "end_date": "2030-03-06",
        "place": "兰州",
        "credit_hours": "24",
        "absence_limit_divisor": "7",
        "certificate_template": "",
        "sessions": inline_formset(list(sessions)),
        "participants": inline_formset([{"cadre": c.pk} for c in cadres]),
    }
    data.update(fields)
    return nested_form_data(data)


def errors_of(response) -> dict:
    """Field errors of the class form and of each session and roster row."""
    form = response.context["form"]
    found = {name: list(errors) for name, errors in form.errors.items()}
    for relation, formset in form.formsets.items():
        for index, row in enumerate(formset.forms):
            for name, errors in row.errors.items():
                found[f"{relation}-{index}-{name}"] = list(errors)
        if formset.non_form_errors():
            found[relation] = list(formset.non_form_errors())
    return found


@pytest.fixture
def trainer_client(client_for, trainer):
    return client_for(trainer)


def test_a_consistent_class_is_saved(trainer_client, province, learner):
    data = class_data(
        province["root"],
        sessions=[session(), session("下午", begin="14:00", end="17:00")],
        cadres=[learner],
    )
    response = trainer_client.post(ADD, data)
    assert response.status_code == 302, errors_of(response)
    klass = TrainingClass.objects.get()
    assert klass.sessions.count() == 2
    assert klass.participants.get().cadre == learner


def test_class_cannot_end_before_it_starts(trainer_client, province):
    data = class_data(province["root"], end_date="2030-03-01")
    response = trainer_client.post(ADD, data)
    assert response.status_code == 200
    assert errors_of(response) == {
        "end_date": ["培训班的结束日期不能早于开始日期（2030年3月4日）。"]
    }
    assert not TrainingClass.objects.exists()


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (
            session(begin="12:00", end="09:00"),
            "ends_at",
            "课次的结束时间必须晚于开始时间。",
        ),
        (
            session(day="2030-03-07"),
            "starts_at",
            "课次必须在培训班的起止日期之内（2030年3月4日至2030年3月6日）。",
        ),
        (
            session(hours="30"),
            "hours",
            "课次学时不能超过整个培训班的学时（24 学时）。",
        ),
        (session(hours="0"), "hours", "确保该值大于或等于0.5。"),
    ],
    ids=["ends-before-start", "outside-class-dates", "above-class-hours", "zero"],
)
def test_impossible_session_is_refused_on_its_row(
    trainer_client, province, row, field, message
):
    data = class_data(province["root"], sessions=[session("第一课"), row])
    response = trainer_client.post(ADD, data)
    assert response.status_code == 200
    assert errors_of(response)[f"sessions-1-{field}"] == [message]
    assert not TrainingClass.objects.exists()
    assert not ClassSession.objects.exists()


def test_sessions_cannot_add_up_to_more_than_the_class(trainer_client, province):
    sessions = [session(f"第{n}课", hours="8") for n in range(4)]
    response = trainer_client.post(ADD, class_data(province["root"], sessions=sessions))
    assert response.status_code == 200
    (message,) = errors_of(response)["credit_hours"]
    assert message.startswith("各课次学时合计 32 学时，超过培训班的 24 学时")
    assert not TrainingClass.objects.exists()


def test_editing_class_dates_rechecks_existing_sessions(
    trainer_client, province, learner
):
    klass = f.training_class(organiser=province["root"], participants=[learner])
    session_rows = [
        {
            "id": s.pk,
            "title": s.title,
            "starts_at": f"{timezone.localtime(s.starts_at):%Y-%m-%d %H:%M}",
            "ends_at": f"{timezone.localtime(s.ends_at):%Y-%m-%d %H:%M}",
            "hours": str(s.hours),
        }
        for s in klass.sessions.all()
    ]
    later = klass.start_date.replace(year=klass.start_date.year + 1).isoformat()
    roster_rows = [{"id": p.pk, "cadre": p.cadre_id} for p in klass.participants.all()]
    data = class_data(
        province["root"], start_date=later, end_date=later, credit_hours="7"
    )
    data.update(
        nested_form_data(
            {
                "sessions": inline_formset(session_rows, initial=len(session_rows)),
                "participants": inline_formset(roster_rows, initial=1),
            }
        )
    )
    url = reverse("courses_trainingclass:edit", args=[klass.pk])
    response = trainer_client.post(url, data)
    assert response.status_code == 200
    assert "sessions-0-starts_at" in errors_of(response)
    klass.refresh_from_db()
    assert klass.start_date.isoformat() != later


def test_same_cadre_twice_is_named_on_the_roster_row(trainer_client, province, learner):
    other = CadreFactory(unit=province["chengguan"])
    data = class_data(province["root"], cadres=[learner, other, learner])
    response = trainer_client.post(ADD, data)
    assert response.status_code == 200
    errors = errors_of(response)
    assert errors == {
        "participants-2-cadre": [
            f"{learner}已在学员名单中：同一干部不能重复加入同一个培训班。"
        ]
    }
    assert not ClassParticipant.objects.exists()


def test_inline_headings_are_translated(trainer_client):
    page = trainer_client.get(ADD).content.decode()
    texts = {text.strip() for text in re.findall(r">([^<>]+)<", page)}
    assert {"课次", "学员名单"} <= texts
    assert not {"Sessions", "Participants"} & texts
