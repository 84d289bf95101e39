"""Certificates (培训证书): templates, issued certificates and their history.

An issued certificate is frozen: the facts printed on it are copied into the
row at issue, its PDF is rendered once and stored with its SHA-256, and the
row is never edited afterwards except to mark it revoked. Re-issuing makes a
new certificate. Every issue and revocation is an append-only event.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PaperSize(models.TextChoices):
    A4 = "A4", "A4"
    A5 = "A5", "A5"


class Orientation(models.TextChoices):
    LANDSCAPE = "landscape", _("Landscape")
    PORTRAIT = "portrait", _("Portrait")


class SubjectType(models.TextChoices):
    COURSE = "course", _("Course")
    CLASS = "class", _("Training class")
    EXAM = "exam", _("Exam")


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")


class CertificateTemplate(models.Model):
    name = models.CharField(
        _("name"),
        max_length=100,
        unique=True,
        help_text=_("How trainers find this template, e.g. 'Class completion 2026'."),
    )
    title = models.CharField(
        _("certificate title"),
        max_length=40,
        help_text=_("Printed large at the top, e.g. 培训合格证书 or 结业证书."),
    )
    body = models.TextField(
        _("body"),
        help_text=_(
            "Text with placeholders in braces: {name}, {unit}, {subject}, "
            "{hours}, {score}, {start_date}, {end_date}, {issued_on}."
        ),
    )
    issuing_organisation = models.CharField(_("issuing organisation"), max_length=100)
    signatory = models.CharField(
        _("signatory"),
        max_length=100,
        blank=True,
        help_text=_("Optional line above the organisation, e.g. a post and name."),
    )
    seal = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("seal image"),
    )
    background = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("background image"),
    )
    paper_size = models.CharField(
        _("paper size"),
        max_length=5,
        choices=PaperSize.choices,
        default=PaperSize.A4,
    )
    orientation = models.CharField(
        _("orientation"),
        max_length=10,
        choices=Orientation.choices,
        default=Orientation.LANDSCAPE,
    )
    serial_prefix = models.CharField(
        _("serial prefix"),
        max_length=12,
        default="GSEE",
        help_text=_(
            "Certificate numbers read PREFIX-YEAR-NUMBER, e.g. GSEE-2026-000123."
        ),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")

    def __str__(self):
        return self.name


class SerialCounter(models.Model):
    """The last number handed out per (prefix, year); locked while issuing."""

    prefix = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["prefix", "year"], name="uniq_certificate_serial_counter"
            )
        ]

    def __str__(self):
        return f"{self.prefix}-{self.year}: {self.last_number}"


class Certificate(models.Model):
    cadre = models.ForeignKey(
        "personnel.Cadre",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("cadre"),
    )
    template = models.ForeignKey(
        CertificateTemplate,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("template"),
    )
    # What it is for: primitives, not foreign keys into other apps.
    subject_type = models.CharField(
        _("for"), max_length=10, choices=SubjectType.choices
    )
    subject_id = models.CharField(_("subject id"), max_length=40)
    subject_title = models.CharField(
        pgettext_lazy("certificate", "subject"), max_length=200
    )
    hours = models.DecimalField(
        _("hours"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    score = models.DecimalField(
        _("score"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    started_on = models.DateField(_("start date"), null=True, blank=True)
    completed_on = models.DateField(_("completion date"))
    issued_on = models.DateField(_("issued on"), db_index=True)
    serial = models.CharField(_("certificate number"), max_length=40, unique=True)
    verification_code = models.CharField(
        _("verification code"), max_length=32, unique=True
    )
    # Frozen at issue: what the certificate says, whatever changes later.
    holder_name = models.CharField(_("name on certificate"), max_length=50)
    holder_unit = models.CharField(_("unit on certificate"), max_length=100)
    printed = models.JSONField(_("printed text"), default=dict, editable=False)
    pdf = models.FileField(_("PDF"), upload_to="certificates/%Y/", blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CertificateStatus.choices,
        default=CertificateStatus.VALID,
        db_index=True,
    )
    revoked_reason = models.TextField(_("revocation reason"), blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("issued by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            # At most one valid certificate per person and subject: this is
            # what makes issuing idempotent, even under concurrency.
            models.UniqueConstraint(
                fields=["cadre", "subject_type", "subject_id"],
                condition=Q(status="valid"),
                name="uniq_valid_certificate_per_subject",
            )
        ]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self):
        return f"{self.serial} {self.holder_name}"

    @property
    def is_valid(self) -> bool:
        return self.status == CertificateStatus.VALID


class CertificateEvent(models.Model):
    """Append-only history: who issued or revoked what, when and why."""

    class Action(models.TextChoices):
        ISSUED = "issued", _("Issued")
        REVOKED = "revoked", _("Revoked")

    certificate = models.ForeignKey(
        Certificate,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("certificate"),
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("certificate event")
        verbose_name_plural = _("certificate events")

    def __str__(self):
        return f"{self.certificate_id} {self.action}"


class BatchPrintJob(models.Model):
    """One PDF of many certificates, built in the background."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Building")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("requested by"),
    )
    # The unit subtree the selection was limited to (None: every unit).
    unit = models.ForeignKey(
        "personnel.Unit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("unit"),
    )
    filters = models.JSONField(_("filters"), default=dict)
    certificate_ids = models.JSONField(default=list, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    total = models.PositiveIntegerField(_("total"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    # Indices of the page chunks rendered and counted in ``done``: a chunk
    # task delivered twice (a worker lost after the count, before the
    # acknowledgement) is counted once.
    chunks_done = models.JSONField(default=list, editable=False)
    output = models.FileField(
        _("file"), upload_to="certificate-batches/%Y/", blank=True
    )
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("batch print")
        verbose_name_plural = _("batch prints")

    def __str__(self):
        return f"#{self.pk} ({self.done}/{self.total})"

    @property
    def percent(self) -> int:
        return min(100, int(self.done * 100 / self.total)) if self.total else 100
