import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from courses import api as courses_api
from courses import services
from courses.errors import ClassClosed, CoursesError, NotEnrolled, SignInRefused
from courses.models import Attendance, Enrolment, LessonPage, LessonProgress
from personnel.models import TrainingRecord
from tests.courses import factories as f
from tests.personnel.factories import CadreFactory

pytestmark = pytest.mark.django_db


def beat_until_done(lesson, cadre, start, *, seconds):
    """Heartbeats every 20 s from ``start`` for ``seconds``."""
    moment = start
    for _ in range(seconds // 20 + 1):
        services.lesson_heartbeat(lesson=lesson, cadre=cadre, now=moment)
        moment += dt.timedelta(seconds=20)
    return moment


def lessons_of(course):
    return list(LessonPage.objects.child_of(course).live().order_by("path"))


def test_course_totals_follow_live_lessons(learner):
    course = f.course(lessons=3, hours=Decimal("1.5"))
    assert course.lesson_count == 3
    assert course.credit_hours == Decimal("4.5")
    assert "第2课的正文" in course.search_text


def test_enrolment_is_once(learner):
    course = f.course()
    first = services.enrolment_create(course=course, cadre=learner)
    again = services.enrolment_create(course=course, cadre=learner)
    assert first.pk == again.pk
    assert Enrolment.objects.count() == 1


def test_unpublished_course_cannot_be_joined(learner):
    course = f.course()
    course.unpublish()
    course.refresh_from_db()
    with pytest.raises(CoursesError, match="not published"):
        services.enrolment_create(course=course, cadre=learner)


def test_heartbeat_needs_enrolment(learner):
    lesson = lessons_of(f.course())[0]
    with pytest.raises(NotEnrolled):
        services.lesson_heartbeat(lesson=lesson, cadre=learner)


def test_heartbeat_credits_elapsed_time_only_capped(learner):
    course = f.course(lessons=1, minutes=5)
    services.enrolment_create(course=course, cadre=learner)
    lesson = lessons_of(course)[0]
    t0 = timezone.now()
    progress = services.lesson_heartbeat(lesson=lesson, cadre=learner, now=t0)
    assert progress.seconds == 0  # the first beat only starts the clock
    progress = services.lesson_heartbeat(
        lesson=lesson, cadre=learner, now=t0 + dt.timedelta(seconds=20)
    )
    assert progress.seconds == 20
    # Two quick beats a second apart: one second, not two intervals.
    progress = services.lesson_heartbeat(
        lesson=lesson, cadre=learner, now=t0 + dt.timedelta(seconds=21)
    )
    assert progress.seconds == 21
    # An hour away from the page counts for at most the cap.
    progress = services.lesson_heartbeat(
        lesson=lesson, cadre=learner, now=t0 + dt.timedelta(hours=1)
    )
    assert progress.seconds == 21 + services.HEARTBEAT_MAX_CREDIT
    assert progress.completed_at is None


def test_studying_every_lesson_completes_course_and_posts_hours_once(learner):
    course = f.course(lessons=2, minutes=1, hours=Decimal("1.5"))
    services.enrolment_create(course=course, cadre=learner)
    first, second = lessons_of(course)
    moment = beat_until_done(first, learner, timezone.now(), seconds=60)
    enrolment = Enrolment.objects.get()
    assert enrolment.completed_at is None
    assert not TrainingRecord.objects.exists()
    moment = beat_until_done(second, learner, moment, seconds=60)
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    record = TrainingRecord.objects.get()
    assert (record.cadre, record.kind, record.hours) == (
        learner,
        "online",
        Decimal("3.0"),
    )
    assert (record.source_type, record.source_id) == ("course", str(course.pk))
    assert record.category == "professional_skills"
    # More beats and a second completion check change nothing.
    beat_until_done(second, learner, moment, seconds=60)
    assert services.enrolment_complete_if_done(enrolment_id=enrolment.pk) is False
    assert TrainingRecord.objects.count() == 1


def test_course_requiring_exam_completes_after_pass(learner):
    course = f.course(lessons=1, requires_exam=True)
    services.enrolment_create(course=course, cadre=learner)
    beat_until_done(lessons_of(course)[0], learner, timezone.now(), seconds=60)
    assert not TrainingRecord.objects.exists()
    courses_api.course_exam_passed(course_id=course.pk, cadre_id=learner.pk)
    assert TrainingRecord.objects.get().source_id == str(course.pk)
    courses_api.course_exam_passed(course_id=course.pk, cadre_id=learner.pk)
    assert TrainingRecord.objects.count() == 1


def test_assign_to_unit_subtree_and_team_scoped_to_assigner(province, unit_admin):
    inside = CadreFactory(unit=province["chengguan"], teams=["enforcement"])
    other_team = CadreFactory(unit=province["chengguan"], teams=["monitoring"])
    outside = CadreFactory(unit=province["qinzhou"], teams=["enforcement"])
    course = f.course()
    due = timezone.localdate() + dt.timedelta(days=30)
    from personnel.models import Team

    assignment = services.course_assign(
        course=course,
        due_date=due,
        assigned_by=unit_admin.user,
        unit=province["root"],
        teams=[Team.objects.get(code="enforcement")],
        cadres=[outside],  # not visible to a Lanzhou administrator
    )
    enrolled = set(Enrolment.objects.values_list("cadre_id", flat=True))
    assert inside.pk in enrolled and unit_admin.pk in enrolled
    assert other_team.pk not in enrolled and outside.pk not in enrolled
    assert assignment.enrolled_count == len(enrolled)
    assert all(e.required and e.due_date == due for e in Enrolment.objects.all())


def test_assign_upgrades_self_enrolment(trainer, learner):
    course = f.course()
    services.enrolment_create(course=course, cadre=learner)
    due = timezone.localdate() + dt.timedelta(days=10)
    services.course_assign(
        course=course, due_date=due, assigned_by=trainer.user, cadres=[learner]
    )
    enrolment = Enrolment.objects.get(cadre=learner)
    assert enrolment.required and enrolment.due_date == due


def test_assign_needs_a_target(trainer):
    with pytest.raises(CoursesError, match="Choose a team"):
        services.course_assign(
            course=f.course(), due_date=timezone.localdate(), assigned_by=trainer.user
        )


# ---------------------------------------------------------------- classes


def test_class_close_applies_one_seventh_rule(province, trainer):
    present, slightly_absent, absent = (
        CadreFactory(unit=province["chengguan"]) for _ in range(3)
    )
    # 7 sessions of 1 hour: missing 1 hour is exactly 1/7 (allowed), 2 is not.
    klass = f.ended_class(
        organiser=province["root"],
        participants=[present, slightly_absent, absent],
        sessions=[(1, f"第{i}讲") for i in range(7)],
        hours=Decimal("7"),
    )
    sessions = list(klass.sessions.all())
    for number, session in enumerate(sessions):
        statuses = {present.pk: "present", slightly_absent.pk: "present"}
        statuses[absent.pk] = "present" if number >= 2 else "absent"
        if number == 0:
            statuses[slightly_absent.pk] = "leave"
        services.attendance_mark(session=session, statuses=statuses)
    result = services.class_close(training_class=klass, closed_by=trainer.user)
    assert {p.cadre_id for p in result.earned} == {present.pk, slightly_absent.pk}
    assert [p.cadre_id for p in result.refused] == [absent.pk]
    assert "Absent 2.0 of 7.0 hours" in result.refused[0].reason
    records = TrainingRecord.objects.filter(source_type="class")
    assert {r.cadre_id for r in records} == {present.pk, slightly_absent.pk}
    assert all(r.kind == "centralized" and r.hours == Decimal("7") for r in records)
    with pytest.raises(ClassClosed):
        services.class_close(training_class=klass)
    with pytest.raises(ClassClosed):
        services.attendance_mark(session=sessions[0], statuses={present.pk: "absent"})


def test_class_rule_is_configurable(province):
    cadre = CadreFactory(unit=province["chengguan"])
    klass = f.ended_class(organiser=province["root"], participants=[cadre])
    klass.absence_limit_divisor = 2
    klass.save()
    morning, afternoon = klass.sessions.all()
    services.attendance_mark(session=morning, statuses={cadre.pk: "present"})
    result = services.class_close(training_class=klass)
    assert [p.cadre_id for p in result.earned] == [cadre.pk]  # 3.5 of 7 = 1/2


def test_attendance_for_stranger_is_refused(province):
    cadre = CadreFactory(unit=province["chengguan"])
    klass = f.training_class(organiser=province["root"])
    with pytest.raises(CoursesError, match="Not on the class roster"):
        services.attendance_mark(
            session=klass.sessions.first(), statuses={cadre.pk: "present"}
        )


def test_qr_sign_in_only_during_session_and_on_roster(province, learner):
    klass = f.training_class(organiser=province["root"], participants=[learner])
    session = klass.sessions.first()
    with pytest.raises(SignInRefused, match="only during the session"):
        services.session_sign_in(
            token=session.sign_in_token,
            cadre=learner,
            now=session.ends_at + dt.timedelta(minutes=1),
        )
    with pytest.raises(SignInRefused, match="not valid"):
        services.session_sign_in(token="nope", cadre=learner)
    stranger = CadreFactory(unit=province["chengguan"])
    with pytest.raises(SignInRefused, match="not on the roster"):
        services.session_sign_in(
            token=session.sign_in_token, cadre=stranger, now=session.starts_at
        )
    attendance = services.session_sign_in(
        token=session.sign_in_token, cadre=learner, now=session.starts_at
    )
    assert (attendance.status, attendance.method) == ("present", "qr")
    assert Attendance.objects.count() == 1


def test_lesson_progress_rows_are_unique(learner):
    course = f.course(lessons=1)
    services.enrolment_create(course=course, cadre=learner)
    lesson = lessons_of(course)[0]
    services.lesson_heartbeat(lesson=lesson, cadre=learner)
    services.lesson_heartbeat(lesson=lesson, cadre=learner)
    assert LessonProgress.objects.count() == 1


# ------------------------------------------------------------ certificates


def test_course_completion_issues_certificate(
    learner, django_capture_on_commit_callbacks
):
    from personnel.models import Certificate
    from tests.personnel.certificate_helpers import make_template

    template = make_template()
    course = f.course(lessons=1)
    course.certificate_template = template
    course.save_revision().publish()
    services.enrolment_create(course=course, cadre=learner)
    with django_capture_on_commit_callbacks(execute=True):
        beat_until_done(lessons_of(course)[0], learner, timezone.now(), seconds=60)
    certificate = Certificate.objects.get(cadre=learner)
    assert (certificate.subject_type, certificate.subject_id) == (
        "course",
        str(course.pk),
    )
    # From the day the learner joined the course to the day they completed it.
    enrolment = learner.course_enrolments.get(course=course)
    assert certificate.started_on == timezone.localdate(enrolment.enrolled_at)
    assert certificate.completed_on == timezone.localdate(enrolment.completed_at)


def test_class_closing_issues_certificates_to_those_who_earned(
    province, django_capture_on_commit_callbacks
):
    from personnel.models import Certificate
    from tests.personnel.certificate_helpers import make_template

    present, absent = (CadreFactory(unit=province["chengguan"]) for _ in range(2))
    klass = f.ended_class(organiser=province["root"], participants=[present, absent])
    klass.certificate_template = make_template()
    klass.save()
    for session in klass.sessions.all():
        services.attendance_mark(session=session, statuses={present.pk: "present"})
    with django_capture_on_commit_callbacks(execute=True):
        services.class_close(training_class=klass)
    assert list(Certificate.objects.values_list("cadre_id", flat=True)) == [present.pk]
