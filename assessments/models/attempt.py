"""One candidate's sitting (答卷), Moodle question-engine style.

An attempt owns a frozen paper (PaperItem rows with a snapshot of each
question as drawn). Every save is a new AnswerStep row (append-only; the
highest client sequence number per item wins). Terms mean one thing each:
*fraction* 0..1 per item, *mark* = fraction × item points, *grade* = total.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..choices import (
    ATTEMPT_PREPARED,
    AttemptStatus,
    CloseReason,
    GradeChangeKind,
    ReviewStatus,
)


def protect_started(collector, field, sub_objs, using):
    """on_delete of an attempt's exam and cadre: attempts protect them, as
    PROTECT does; papers drawn in advance (prepared attempts) go with them,
    as the PreparedPaper rows they replace did."""
    prepared = [a for a in sub_objs if a.status == ATTEMPT_PREPARED]
    started = [a for a in sub_objs if a.status != ATTEMPT_PREPARED]
    if prepared:
        models.CASCADE(collector, field, prepared, using)
    if started:
        models.PROTECT(collector, field, started, using)


def protect_question(collector, field, sub_objs, using):
    """on_delete of a paper item's question: items of attempts protect it;
    a paper drawn in advance that holds it is dropped whole (the exam's
    papers are drawn again, services.question_papers_refresh)."""
    items = list(sub_objs)
    prepared = list(
        Attempt.all_objects.using(using).filter(
            pk__in={i.attempt_id for i in items}, status=ATTEMPT_PREPARED
        )
    )
    dropped = {a.pk for a in prepared}
    started = [i for i in items if i.attempt_id not in dropped]
    if prepared:
        collector.collect(
            prepared,
            source=field.remote_field.model,
            nullable=False,
            fail_on_restricted=False,
        )
    if started:
        models.PROTECT(collector, field, started, using)


class AttemptManager(models.Manager):
    """Attempts candidates made: never a paper drawn in advance."""

    def get_queryset(self):
        return super().get_queryset().exclude(status=ATTEMPT_PREPARED)


class PaperItemManager(models.Manager):
    """Items of attempts candidates made: never of a paper drawn in advance."""

    def get_queryset(self):
        return super().get_queryset().exclude(attempt__status=ATTEMPT_PREPARED)


class Attempt(models.Model):
    exam = models.ForeignKey(
        "assessments.Exam",
        on_delete=protect_started,
        related_name="attempts",
        verbose_name=_("exam"),
    )
    cadre = models.ForeignKey(
        "personnel.Cadre",
        on_delete=protect_started,
        related_name="+",
        verbose_name=_("cadre"),
    )
    number = models.PositiveSmallIntegerField(_("attempt number"), default=1)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AttemptStatus.choices,
        default=AttemptStatus.IN_PROGRESS,
    )
    started_at = models.DateTimeField(pgettext_lazy("exam attempt", "started at"))
    deadline = models.DateTimeField(_("deadline"))
    closed_at = models.DateTimeField(
        pgettext_lazy("exam attempt", "closed at"), null=True, blank=True
    )
    close_reason = models.CharField(
        _("closed because"), max_length=20, choices=CloseReason.choices, blank=True
    )
    seed = models.BigIntegerField(_("random seed"))
    # The paper page's saves prove themselves with a signed key naming this
    # attempt and this version (see assessments/keys.py); signing out or a
    # change to the account moves the version on, which retires every key
    # handed out before. A database default: attempts are also made in SQL.
    key_version = models.PositiveIntegerField(_("key version"), default=0, db_default=0)

    # The first manager is the default one (reverse relations, the admin,
    # forms): it hides papers drawn in advance (status "prepared").
    objects = AttemptManager()
    all_objects = models.Manager()  # noqa: DJ012 - a manager, not a field

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["exam", "cadre", "number"], name="attempt_number_once"
            ),
            models.UniqueConstraint(
                fields=["exam", "cadre"],
                condition=Q(status="in_progress"),
                name="attempt_one_open_per_cadre",
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self):
        return f"{self.exam} · {self.cadre} · #{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status == AttemptStatus.IN_PROGRESS


class PaperItem(models.Model):
    """One question of a candidate's frozen paper, and its current grading.

    ``snapshot`` holds the question as drawn (options in the candidate's
    order, with the key); the key never leaves the server before review is
    allowed. ``fraction``/``mark`` are the current grading; their history
    is in GradeChange.
    """

    # No single-column indexes on the two keys: the unique (attempt,
    # position) and the (question, needs_marking) indexes lead with them and
    # serve every lookup; each index is written 50 times per paper drawn.
    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, related_name="items", db_index=False
    )
    position = models.PositiveSmallIntegerField(pgettext_lazy("paper item", "position"))
    question = models.ForeignKey(
        "assessments.Question",
        on_delete=protect_question,
        related_name="paper_items",
        verbose_name=_("question"),
        db_index=False,
    )
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1)
    snapshot = models.JSONField(_("question as drawn"))
    response = models.JSONField(_("final answer"), null=True, blank=True)
    fraction = models.DecimalField(
        _("fraction"), max_digits=6, decimal_places=4, null=True, blank=True
    )
    mark = models.DecimalField(
        _("mark"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    needs_marking = models.BooleanField(_("needs marking by hand"), default=False)
    marker_comment = models.TextField(_("marker's comment"), blank=True)
    # The candidate's "come back to this" mark (a reading aid, not graded);
    # kept on the server so that it follows the attempt to another device.
    # A database default too: papers are also copied in with plain SQL.
    flagged = models.BooleanField(
        _("flagged by the candidate"), default=False, db_default=False
    )

    objects = PaperItemManager()
    all_objects = models.Manager()  # noqa: DJ012 - a manager, not a field

    class Meta:
        ordering = ["attempt", "position"]
        verbose_name = _("paper item")
        verbose_name_plural = _("paper items")
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="paper_item_position_once"
            ),
            models.UniqueConstraint(
                fields=["attempt", "question"], name="paper_item_question_once"
            ),
        ]
        indexes = [models.Index(fields=["question", "needs_marking"])]

    def __str__(self):
        return f"{self.attempt_id} · {self.position}"

    @property
    def qtype(self) -> str:
        return self.snapshot["qtype"]


class AnswerStep(models.Model):
    """One save of one answer: appended, never changed. Latest seq wins."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="steps")
    # No index of its own: the unique (item, seq) index serves every lookup
    # by item, and each answer save writes one index fewer.
    item = models.ForeignKey(
        PaperItem, on_delete=models.CASCADE, related_name="steps", db_index=False
    )
    seq = models.BigIntegerField(_("client sequence number"))
    response = models.JSONField(_("answer"), null=True)
    saved_at = models.DateTimeField(_("saved at"))

    class Meta:
        ordering = ["item", "-seq"]
        verbose_name = _("answer save")
        verbose_name_plural = _("answer saves")
        constraints = [
            models.UniqueConstraint(fields=["item", "seq"], name="answer_step_seq_once")
        ]

    def __str__(self):
        return f"{self.item_id} · {self.seq}"


class Result(models.Model):
    """Exactly one per attempt (the constraint decides under races)."""

    attempt = models.OneToOneField(
        Attempt,
        on_delete=models.PROTECT,
        related_name="result",
        verbose_name=_("attempt"),
    )
    grade = models.DecimalField(_("score"), max_digits=7, decimal_places=2)
    max_grade = models.DecimalField(_("full marks"), max_digits=7, decimal_places=2)
    passed = models.BooleanField(pgettext_lazy("exam result", "passed"), default=False)
    is_final = models.BooleanField(_("final"), default=False)
    created_at = models.DateTimeField(_("graded at"), auto_now_add=True)
    finalised_at = models.DateTimeField(_("final at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("result")
        verbose_name_plural = _("results")

    def __str__(self):
        return f"{self.attempt} · {self.grade}/{self.max_grade}"


class GradeChange(models.Model):
    """Append-only history of every mark and grade: who, when, old, new, why."""

    attempt = models.ForeignKey(
        Attempt, on_delete=models.PROTECT, related_name="grade_changes"
    )
    item = models.ForeignKey(
        PaperItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=GradeChangeKind.choices)
    old_mark = models.DecimalField(
        _("old mark"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    new_mark = models.DecimalField(
        _("new mark"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    old_grade = models.DecimalField(
        _("old score"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    new_grade = models.DecimalField(
        _("new score"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["attempt", "id"]
        verbose_name = _("grade change")
        verbose_name_plural = _("grade changes")

    def __str__(self):
        return f"{self.attempt_id} · {self.old_grade} → {self.new_grade}"


class ResultReview(models.Model):
    """A candidate's request for a review of a graded result (成绩复核)."""

    attempt = models.ForeignKey(
        Attempt,
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name=_("attempt"),
    )
    reason = models.TextField(_("why a review is asked for"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ReviewStatus.choices,
        default=ReviewStatus.OPEN,
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    grade_before = models.DecimalField(
        _("score before"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    grade_after = models.DecimalField(
        _("score after"), max_digits=7, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("result review")
        verbose_name_plural = _("result reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["attempt"],
                condition=Q(status="open"),
                name="result_review_one_open",
            )
        ]

    def __str__(self):
        return f"{self.attempt} · {self.get_status_display()}"


class PreparedPaper(models.Model):
    """A candidate's paper drawn and frozen before the exam (预先组卷).

    Only for exams with ``prepare_papers``. The paper itself is an Attempt
    in status "prepared" (choices.ATTEMPT_PREPARED) with its PaperItem rows,
    written by the worker that drew it; Start turns that attempt into an
    attempt in progress (one UPDATE) and deletes this row, so that a
    thousand candidates pressing Start at once cost no drawing and no
    copying. This row is the ticket: which prepared attempt is whose, and
    the paper page's first markup.
    """

    exam = models.ForeignKey(
        "assessments.Exam", on_delete=models.CASCADE, related_name="prepared_papers"
    )
    cadre = models.ForeignKey(
        "personnel.Cadre", on_delete=models.CASCADE, related_name="+"
    )
    attempt = models.OneToOneField(
        Attempt, on_delete=models.CASCADE, related_name="+", verbose_name=_("attempt")
    )
    # The paper page's navigator and questions as the candidate first sees
    # them (nothing answered), built by the worker that drew the paper
    # (selectors.pack_markup: zlib, with the markup code's version and the
    # language); Start returns it with the attempt, in the same statement.
    markup = models.BinaryField(_("first page markup"), null=True, editable=False)
    prepared_at = models.DateTimeField(_("prepared at"))

    class Meta:
        verbose_name = _("prepared paper")
        verbose_name_plural = _("prepared papers")
        constraints = [
            models.UniqueConstraint(
                fields=["exam", "cadre"], name="prepared_paper_once"
            )
        ]

    def __str__(self):
        return f"{self.exam_id} · {self.cadre_id}"
