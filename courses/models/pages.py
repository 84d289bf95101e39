"""Wagtail pages: the course centre (catalogue), courses and their lessons."""

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from ..blocks import LessonBodyBlock, stream_plain_text
from ..choices import COURSE_KINDS, CourseCategory, TrainingKind


class CourseIndexPage(Page):
    """The course centre (课程中心): lists, filters and searches courses."""

    intro = models.TextField(_("intro"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["training_site.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = _("course centre")

    def get_context(self, request, *args, **kwargs):
        from ..selectors import catalogue_context

        context = super().get_context(request, *args, **kwargs)
        context.update(catalogue_context(index_page=self, request=request))
        return context


class CoursePage(Page):
    summary = models.TextField(_("summary"))
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cover image"),
    )
    teams = ParentalManyToManyField(
        "personnel.Team", blank=True, related_name="+", verbose_name=_("teams")
    )
    category = models.CharField(
        _("category"), max_length=30, choices=CourseCategory.choices
    )
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=COURSE_KINDS,
        default=TrainingKind.ONLINE,
        help_text=_("How completions are recorded in the training archive."),
    )
    trainer_name = models.CharField(_("trainer"), max_length=100, blank=True)
    requires_exam = models.BooleanField(
        _("requires an exam"),
        default=False,
        help_text=_("If set, the course completes only once its exam is passed."),
    )
    certificate_template = models.ForeignKey(
        "personnel.CertificateTemplate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("certificate template"),
        help_text=_("Leave empty for no certificate on completion."),
    )
    # Kept up to date from the live lessons (services.course_totals_refresh).
    credit_hours = models.DecimalField(
        _("credit hours"), max_digits=5, decimal_places=1, default=Decimal("0")
    )
    lesson_count = models.PositiveSmallIntegerField(_("lessons"), default=0)
    search_text = models.TextField(_("search text"), blank=True, editable=False)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        MultiFieldPanel(
            [
                FieldPanel("category"),
                FieldPanel("kind"),
                FieldPanel("teams", widget=forms.CheckboxSelectMultiple),
                FieldPanel("trainer_name"),
                FieldPanel("requires_exam"),
                FieldPanel("certificate_template"),
            ],
            heading=_("Course facts"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("search_tokens"),
    ]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    @property
    def search_tokens(self) -> str:
        from ..search import segmented

        return segmented(f"{self.title} {self.summary}")

    def get_context(self, request, *args, **kwargs):
        from ..selectors import course_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(course_page_context(course=self, user=request.user))
        return context


MINUTES_IN_A_DAY = 24 * 60


class LessonPage(Page):
    credit_hours = models.DecimalField(
        _("credit hours"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("0.5"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    min_study_minutes = models.PositiveSmallIntegerField(
        _("minimum study time (minutes)"),
        default=10,
        # A day at most: more is a typing slip, and past 32767 PostgreSQL's
        # smallint column would refuse the row.
        validators=[MaxValueValidator(MINUTES_IN_A_DAY)],
        help_text=_("Time a learner must spend on the lesson page to complete it."),
    )
    body = StreamField(LessonBodyBlock(), verbose_name=_("body"), blank=True)
    body_text = models.TextField(_("body text"), blank=True, editable=False)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("credit_hours"), FieldPanel("min_study_minutes")],
            heading=_("Study requirements"),
        ),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("body_text"),
        index.SearchField("search_tokens"),
    ]
    parent_page_types = ["courses.CoursePage"]
    subpage_types: list = []

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    @property
    def search_tokens(self) -> str:
        from ..search import segmented

        return segmented(f"{self.title} {self.body_text}")

    @property
    def min_study_seconds(self) -> int:
        return self.min_study_minutes * 60

    def save(self, *args, **kwargs):
        self.body_text = stream_plain_text(self.body)
        return super().save(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from ..selectors import lesson_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_page_context(lesson=self, user=request.user))
        return context
