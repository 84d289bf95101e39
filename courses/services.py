"""Writes of the courses app: enrolment, study time, completion, classes.

Every hour that lands in the training archive goes through
``personnel.api.training_record_post``, which is idempotent per source.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from personnel import api as personnel_api

from .choices import (
    AttendanceMethod,
    AttendanceStatus,
    EnrolmentSource,
    ParticipantOutcome,
)
from .errors import (
    AttendanceImportError,
    ClassClosed,
    ClassNotOver,
    CoursesError,
    NotEnrolled,
    SignInRefused,
)
from .models import (
    Attendance,
    ClassParticipant,
    ClassSession,
    CourseAssignment,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    TrainingClass,
)

logger = logging.getLogger(__name__)

# The lesson page's script beats every HEARTBEAT_INTERVAL seconds while the
# page is visible; one beat never credits more than HEARTBEAT_MAX_CREDIT, so
# a gap (tab hidden, laptop asleep) counts for little and a replayed or
# hurried beat counts for the real elapsed time only.
HEARTBEAT_INTERVAL = 20
HEARTBEAT_MAX_CREDIT = 45
# QR sign-in opens this long before a session starts.
SIGN_IN_EARLY = dt.timedelta(minutes=30)


# ---------------------------------------------------------------- courses


def course_totals_refresh(*, course_id: int) -> None:
    """Recompute a course's hours, lesson count and search text from its
    live lessons (called when a course or lesson is published/unpublished)."""
    course = CoursePage.objects.get(pk=course_id)
    lessons = LessonPage.objects.child_of(course).live().order_by("path")
    totals = lessons.aggregate(hours=Sum("credit_hours"))
    words = [course.summary] + [f"{les.title}\n{les.body_text}" for les in lessons]
    CoursePage.objects.filter(pk=course_id).update(
        credit_hours=totals["hours"] or Decimal("0"),
        lesson_count=lessons.count(),
        search_text="\n".join(words),
    )


def enrolment_create(*, course: CoursePage, cadre) -> Enrolment:
    """Enrol a learner in a live course; enrolling twice is harmless.

    Raises:
        CoursesError: the course is not published.
    """
    if not course.live:
        raise CoursesError(_("This course is not published, so it cannot be joined."))
    enrolment, _created = Enrolment.objects.get_or_create(course=course, cadre=cadre)
    return enrolment


def _assignment_targets(*, assigned_by, unit, teams, cadres):
    visible = personnel_api.cadres_visible_to(user=assigned_by).filter(is_active=True)
    if unit is None and not teams and not cadres:
        raise CoursesError(
            _("Choose a team, a unit or at least one cadre to assign to.")
        )
    groups = visible.none()
    if unit is not None or teams:
        groups = visible
        if unit is not None:
            groups = groups.filter(unit__path__startswith=unit.path)
        if teams:
            groups = groups.filter(teams__in=teams)
    named = visible.filter(pk__in=[c.pk for c in cadres])
    return (groups | named).distinct()


@transaction.atomic
def course_assign(
    *,
    course: CoursePage,
    due_date: dt.date,
    assigned_by,
    unit=None,
    teams=(),
    cadres=(),
) -> CourseAssignment:
    """Make a course required (必修) for a team and/or unit subtree and/or
    named cadres, within what ``assigned_by`` may see.

    Existing enrolments become required with the earlier of the two due dates.

    Raises:
        CoursesError: no target given, or the course is not published.
    """
    if not course.live:
        raise CoursesError(_("Publish the course before assigning it."))
    targets = list(
        _assignment_targets(
            assigned_by=assigned_by, unit=unit, teams=teams, cadres=cadres
        ).values_list("pk", flat=True)
    )
    assignment = CourseAssignment.objects.create(
        course=course, unit=unit, due_date=due_date, assigned_by=assigned_by
    )
    assignment.teams.set(teams)
    assignment.cadres.set(cadres)
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                course=course,
                cadre_id=pk,
                source=EnrolmentSource.ASSIGNED,
                required=True,
                due_date=due_date,
            )
            for pk in targets
        ],
        ignore_conflicts=True,
    )
    existing = Enrolment.objects.filter(course=course, cadre_id__in=targets)
    existing.filter(required=False).update(required=True, due_date=due_date)
    existing.filter(due_date__gt=due_date).update(due_date=due_date)
    assignment.enrolled_count = len(targets)
    assignment.save(update_fields=["enrolled_count"])
    return assignment


def _course_of(lesson: LessonPage) -> CoursePage:
    return CoursePage.objects.get(path=lesson.path[: -lesson.steplen])


def lesson_heartbeat(*, lesson: LessonPage, cadre, now: dt.datetime | None = None):
    """Credit the time since the learner's previous heartbeat on this lesson
    (capped), complete the lesson when its minimum time is reached, and the
    course when all its lessons are complete.

    Returns:
        the LessonProgress row.

    Raises:
        NotEnrolled: the cadre has not joined the lesson's course.
    """
    now = now or timezone.now()
    course = _course_of(lesson)
    enrolment = Enrolment.objects.filter(course=course, cadre=cadre).first()
    if enrolment is None:
        raise NotEnrolled(_("Join the course first: study time counts only then."))
    with transaction.atomic():
        progress, _created = LessonProgress.objects.select_for_update().get_or_create(
            enrolment=enrolment, lesson=lesson
        )
        if progress.last_beat_at is not None:
            elapsed = (now - progress.last_beat_at).total_seconds()
            progress.seconds += int(max(0, min(elapsed, HEARTBEAT_MAX_CREDIT)))
        progress.last_beat_at = now
        just_completed = (
            progress.completed_at is None
            and progress.seconds >= lesson.min_study_seconds
        )
        if just_completed:
            progress.completed_at = now
        progress.save()
    if just_completed:
        enrolment_complete_if_done(enrolment_id=enrolment.pk)
    return progress


@transaction.atomic
def enrolment_complete_if_done(*, enrolment_id: int) -> bool:
    """Complete the enrolment if every live lesson is complete and, when the
    course requires one, its exam is passed; then post the hours once.

    The row lock (PostgreSQL) and the archive's unique source make this safe
    when two requests complete the same course at the same moment.

    Returns:
        True if this call completed the course.
    """
    enrolment = (
        Enrolment.objects.select_for_update()
        .select_related("course")
        .get(pk=enrolment_id)
    )
    if enrolment.completed_at is not None:
        return False
    course = enrolment.course
    lesson_ids = list(
        LessonPage.objects.child_of(course).live().values_list("pk", flat=True)
    )
    done = LessonProgress.objects.filter(
        enrolment=enrolment, lesson_id__in=lesson_ids, completed_at__isnull=False
    ).count()
    if not lesson_ids or done < len(lesson_ids):
        return False
    if course.requires_exam and enrolment.exam_passed_at is None:
        return False
    enrolment.completed_at = timezone.now()
    enrolment.save(update_fields=["completed_at"])
    personnel_api.training_record_post(
        cadre_id=enrolment.cadre_id,
        kind=course.kind,
        title=course.title,
        category=course.category,
        hours=course.credit_hours,
        completed_on=timezone.localdate(enrolment.completed_at),
        source_type="course",
        source_id=str(course.pk),
    )
    if course.certificate_template_id:
        from .tasks import course_certificate_issue

        transaction.on_commit(lambda: course_certificate_issue.delay(enrolment.pk))
    return True


def enrolment_certificate_issue(*, enrolment_id: int) -> None:
    """Issue the course's certificate to a cadre who completed it. A broken
    template is logged for the trainer, never undoes the completion."""
    enrolment = Enrolment.objects.select_related("course").get(pk=enrolment_id)
    course = enrolment.course
    if not (course.certificate_template_id and enrolment.completed_at):
        return
    try:
        personnel_api.certificate_issue(
            cadre_id=enrolment.cadre_id,
            template_id=course.certificate_template_id,
            subject_type="course",
            subject_id=str(course.pk),
            subject_title=course.title,
            hours=course.credit_hours,
            score=None,
            completed_on=timezone.localdate(enrolment.completed_at),
            # The certificate reads "from <joined> to <completed>".
            started_on=timezone.localdate(enrolment.enrolled_at),
        )
    except personnel_api.CertificateError:
        logger.exception("Certificate for enrolment %s not issued", enrolment_id)


def course_exam_pass_record(*, course_id: int, cadre_id: int) -> None:
    """Note that the cadre passed the course's exam and re-check completion.
    A pass for a course the cadre has not joined enrols them."""
    course = CoursePage.objects.get(pk=course_id)
    enrolment, _created = Enrolment.objects.get_or_create(
        course=course, cadre_id=cadre_id
    )
    if enrolment.exam_passed_at is None:
        Enrolment.objects.filter(pk=enrolment.pk, exam_passed_at__isnull=True).update(
            exam_passed_at=timezone.now()
        )
    enrolment_complete_if_done(enrolment_id=enrolment.pk)


# ---------------------------------------------------------------- classes


def _open_class(training_class: TrainingClass) -> None:
    if training_class.is_closed:
        raise ClassClosed(
            _("The class “%(title)s” is closed; attendance can no longer change.")
            % {"title": training_class.title}
        )


@transaction.atomic
def attendance_mark(
    *,
    session: ClassSession,
    statuses: dict[int, str],
    marked_by=None,
    method: str = AttendanceMethod.ADMIN,
) -> int:
    """Set attendance for roster cadres of one session ({cadre_id: status}).

    Raises:
        ClassClosed: the class is closed.
        CoursesError: a cadre is not on the roster.
    """
    training_class = TrainingClass.objects.get(pk=session.training_class_id)
    _open_class(training_class)
    roster = set(training_class.participants.values_list("cadre_id", flat=True))
    strangers = set(statuses) - roster
    if strangers:
        raise CoursesError(
            _("Not on the class roster: cadre id(s) %(ids)s.")
            % {"ids": ", ".join(str(i) for i in sorted(strangers))}
        )
    for cadre_id, status in statuses.items():
        Attendance.objects.update_or_create(
            session=session,
            cadre_id=cadre_id,
            defaults={"status": status, "method": method, "marked_by": marked_by},
        )
    return len(statuses)


def _local(moment: dt.datetime, fmt: str) -> str:
    return timezone.localtime(moment).strftime(fmt)


def session_sign_in(*, token: str, cadre, now: dt.datetime | None = None) -> Attendance:
    """A learner signs in by scanning the session's QR code at the venue.

    Raises:
        SignInRefused: unknown code, outside the session, not on the roster,
            or the class is closed.
    """
    now = now or timezone.now()
    session = (
        ClassSession.objects.select_related("training_class")
        .filter(sign_in_token=token)
        .first()
    )
    if session is None:
        raise SignInRefused(_("This sign-in code is not valid."))
    if session.training_class.is_closed:
        raise SignInRefused(_("This class is closed."))
    if not (session.starts_at - SIGN_IN_EARLY <= now <= session.ends_at):
        raise SignInRefused(
            _("Sign-in is open only during the session (%(start)s – %(end)s).")
            % {
                "start": timezone.localtime(session.starts_at).strftime(
                    "%Y-%m-%d %H:%M"
                ),
                "end": timezone.localtime(session.ends_at).strftime("%H:%M"),
            }
        )
    if not session.training_class.participants.filter(cadre=cadre).exists():
        raise SignInRefused(_("You are not on the roster of this class."))
    attendance, _created = Attendance.objects.update_or_create(
        session=session,
        cadre=cadre,
        defaults={"status": AttendanceStatus.PRESENT, "method": AttendanceMethod.QR},
    )
    return attendance


@dataclass
class ClassCloseResult:
    earned: list[ClassParticipant] = field(default_factory=list)
    refused: list[ClassParticipant] = field(default_factory=list)


def _absent_hours(training_class: TrainingClass) -> tuple[Decimal, dict[int, Decimal]]:
    sessions = list(training_class.sessions.all())
    total = sum((s.hours for s in sessions), Decimal("0"))
    present = Attendance.objects.filter(
        session__training_class=training_class, status=AttendanceStatus.PRESENT
    ).values_list("cadre_id", "session__hours")
    attended: dict[int, Decimal] = {}
    for cadre_id, hours in present:
        attended[cadre_id] = attended.get(cadre_id, Decimal("0")) + hours
    roster = training_class.participants.values_list("cadre_id", flat=True)
    return total, {c: total - attended.get(c, Decimal("0")) for c in roster}


@dataclass
class ParticipantOutcomePreview:
    """What closing would give one participant (nothing is saved)."""

    place: ClassParticipant
    absent_hours: Decimal
    earns: bool
    hours_earned: Decimal
    reason: str


def _outcomes(training_class: TrainingClass) -> list[ParticipantOutcomePreview]:
    total, absences = _absent_hours(training_class)
    if not total:
        raise CoursesError(_("Add the class sessions before closing it."))
    divisor = training_class.absence_limit_divisor
    outcomes = []
    places = training_class.participants.select_related("cadre", "cadre__unit")
    for place in places.order_by("cadre__employee_no"):
        absent = absences[place.cadre_id]
        earns = absent * divisor <= total
        reason = ""
        if not earns:
            reason = _("Absent %(absent)s of %(total)s hours, more than 1/%(n)s.") % {
                "absent": absent,
                "total": total,
                "n": divisor,
            }
        hours = training_class.credit_hours if earns else Decimal("0")
        outcomes.append(ParticipantOutcomePreview(place, absent, earns, hours, reason))
    return outcomes


def class_close_preview(
    *, training_class: TrainingClass
) -> list[ParticipantOutcomePreview]:
    """The outcome of each participant if the class were closed now, under
    its 1/N absence rule, so a trainer sees who would lose hours first.

    Raises:
        CoursesError: the class has no sessions.
    """
    return _outcomes(training_class)


def _class_over(training_class: TrainingClass, now: dt.datetime) -> None:
    last_end = (
        training_class.sessions.order_by("-ends_at")
        .values_list("ends_at", flat=True)
        .first()
    )
    if last_end is not None and now < last_end:
        raise ClassNotOver(
            _(
                "The class cannot be closed before its last session has ended "
                "(%(end)s). Closing is final: attendance could not be taken "
                "for the sessions still to come."
            )
            % {"end": timezone.localtime(last_end).strftime("%Y-%m-%d %H:%M")}
        )


@transaction.atomic
def class_close(
    *, training_class: TrainingClass, closed_by=None, now: dt.datetime | None = None
) -> ClassCloseResult:
    """Close a class: each participant whose absences do not exceed 1/N of
    the class hours earns its credit hours in the archive; the others are
    kept with the reason.

    Raises:
        ClassClosed: already closed.
        ClassNotOver: its last session has not ended yet.
        CoursesError: the class has no sessions.
    """
    training_class = TrainingClass.objects.select_for_update().get(pk=training_class.pk)
    _open_class(training_class)
    _class_over(training_class, now or timezone.now())
    result = ClassCloseResult()
    for outcome in _outcomes(training_class):
        place = outcome.place
        place.absent_hours, place.reason = outcome.absent_hours, outcome.reason
        place.hours_earned = outcome.hours_earned
        if outcome.earns:
            place.outcome = ParticipantOutcome.EARNED
            _class_record_post(training_class, place.cadre_id, closed_by)
            result.earned.append(place)
        else:
            place.outcome = ParticipantOutcome.REFUSED
            result.refused.append(place)
        place.save(update_fields=["absent_hours", "outcome", "hours_earned", "reason"])
    training_class.closed_at, training_class.closed_by = timezone.now(), closed_by
    training_class.save(update_fields=["closed_at", "closed_by"])
    if training_class.certificate_template_id and result.earned:
        from .tasks import class_certificates_issue as task

        transaction.on_commit(lambda: task.delay(training_class.pk))
    return result


def class_certificates_issue(*, training_class_id: int) -> None:
    """Issue the class certificate to every participant who earned hours."""
    training_class = TrainingClass.objects.get(pk=training_class_id)
    earned = training_class.participants.filter(outcome=ParticipantOutcome.EARNED)
    awards = [
        personnel_api.certificate_award(
            cadre_id=cadre_id,
            completed_on=training_class.end_date,
            hours=training_class.credit_hours,
            started_on=training_class.start_date,
        )
        for cadre_id in earned.values_list("cadre_id", flat=True)
    ]
    try:
        personnel_api.certificates_issue_bulk(
            template_id=training_class.certificate_template_id,
            subject_type="class",
            subject_id=str(training_class.pk),
            subject_title=training_class.title,
            awards=awards,
            issued_by_id=training_class.closed_by_id,
        )
    except personnel_api.CertificateError:
        logger.exception("Certificates for class %s not issued", training_class_id)


def _class_record_post(training_class: TrainingClass, cadre_id: int, closed_by):
    personnel_api.training_record_post(
        cadre_id=cadre_id,
        kind=training_class.kind,
        title=training_class.title,
        hours=training_class.credit_hours,
        completed_on=training_class.end_date,
        source_type="class",
        source_id=str(training_class.pk),
        recorded_by=closed_by,
    )


# ------------------------------------------------------- attendance import

ATTENDANCE_WORDS = {
    AttendanceStatus.PRESENT: {"1", "√", "✓", "到", "出勤", "present", "p"},
    AttendanceStatus.ABSENT: {"0", "×", "x", "缺", "缺勤", "absent", "a"},
    AttendanceStatus.LEAVE: {"假", "请假", "leave", "l"},
}
STAFF_NUMBER_HEADERS = {"工号", "staff number", "employee_no"}


def attendance_template(*, training_class: TrainingClass) -> bytes:
    """An .xlsx sheet to fill in: one row per participant, one column per
    session (✓ present, 缺 absent, 假 on leave)."""
    from io import BytesIO

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("Attendance")[:30]
    sessions = list(training_class.sessions.all())
    sheet.append(["工号", "姓名"] + [s.title for s in sessions])
    places = training_class.participants.select_related("cadre").order_by(
        "cadre__employee_no"
    )
    for place in places:
        sheet.append([place.cadre.employee_no, place.cadre.name])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _status_of(value) -> str | None:
    text = str(value).strip().lower() if value is not None else ""
    if not text:
        return None
    for status, words in ATTENDANCE_WORDS.items():
        if text in words:
            return status
    raise ValueError(text)


def _read_sheet(content: bytes):
    from io import BytesIO

    from openpyxl import load_workbook

    try:
        book = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise AttendanceImportError(
            [_("This is not an .xlsx workbook: save the sheet as .xlsx and retry.")]
        ) from exc
    return list(book.active.iter_rows(values_only=True))


def _parse_header(header, sessions_by_title) -> tuple[list, list[str]]:
    errors, columns = [], []
    first = str(header[0] or "").strip().lower() if header else ""
    if first not in STAFF_NUMBER_HEADERS:
        errors.append(
            _("Row 1, column A: the first column must be 工号 (staff number).")
        )
    for number, title in enumerate(header[2:], start=3):
        title = str(title or "").strip()
        if not title:
            columns.append(None)
            continue
        session = sessions_by_title.get(title)
        if session is None:
            errors.append(
                _("Row 1, column %(col)d: no session of this class is called “%(t)s”.")
                % {"col": number, "t": title}
            )
        columns.append(session)
    return columns, errors


def _parse_rows(rows, columns, roster) -> tuple[dict, list[str]]:
    errors, marks = [], {}
    for row_number, row in enumerate(rows, start=2):
        staff_no = str(row[0] or "").strip() if row else ""
        if not staff_no:
            continue
        cadre_id = roster.get(staff_no)
        if cadre_id is None:
            errors.append(
                _("Row %(row)d: staff number %(no)s is not on the class roster.")
                % {"row": row_number, "no": staff_no}
            )
            continue
        cells = zip(columns, row[2:], strict=False)
        for col, (session, value) in enumerate(cells, start=3):
            try:
                status = _status_of(value)
            except ValueError:
                errors.append(
                    _(
                        "Row %(row)d, column %(col)d: “%(v)s” is not ✓ (present), "
                        "缺 (absent) or 假 (leave)."
                    )
                    % {"row": row_number, "col": col, "v": value}
                )
                continue
            if session is not None and status is not None:
                marks.setdefault(session, {})[cadre_id] = status
    return marks, errors


def attendance_import(*, training_class: TrainingClass, content: bytes, marked_by):
    """Import an attendance sheet (see attendance_template); all or nothing.

    Returns:
        the number of attendance marks written.

    Raises:
        AttendanceImportError: with one message per bad row/column.
        ClassClosed: the class is closed.
    """
    _open_class(training_class)
    rows = _read_sheet(content)
    if not rows:
        raise AttendanceImportError([_("The sheet is empty.")])
    sessions = {s.title.strip(): s for s in training_class.sessions.all()}
    columns, errors = _parse_header(rows[0], sessions)
    roster = dict(
        training_class.participants.values_list("cadre__employee_no", "cadre_id")
    )
    marks, row_errors = _parse_rows(rows[1:], columns, roster)
    if errors or row_errors:
        raise AttendanceImportError(errors + row_errors)
    with transaction.atomic():
        for session, statuses in marks.items():
            attendance_mark(
                session=session,
                statuses=statuses,
                marked_by=marked_by,
                method=AttendanceMethod.IMPORT,
            )
    return sum(len(s) for s in marks.values())
