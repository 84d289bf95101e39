import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import Education, Gender, Rank, rank_level
from ..id_numbers import id_number_mask, id_number_parse


class Cadre(models.Model):
    """A staff member with a profile; one-to-one with a sign-in account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cadre",
        verbose_name=_("user account"),
    )
    employee_no = models.CharField(_("staff number"), max_length=30, unique=True)
    name = models.CharField(_("full name"), max_length=50, db_index=True)
    id_number = models.CharField(_("ID number"), max_length=18, unique=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    education = models.CharField(
        _("education"), max_length=20, choices=Education.choices
    )
    rank = models.CharField(_("rank"), max_length=30, choices=Rank.choices)
    position = models.CharField(_("position"), max_length=60, blank=True)
    unit = models.ForeignKey(
        "personnel.Unit",
        on_delete=models.PROTECT,
        related_name="cadres",
        verbose_name=_("unit"),
    )
    teams = models.ManyToManyField(
        "personnel.Team", related_name="cadres", verbose_name=_("teams")
    )
    joined_on = models.DateField(_("date joined"))
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("in post"), default=True)

    class Meta:
        ordering = ["unit__path", "employee_no"]
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")
        permissions = [("view_id_number", _("Can see full resident ID numbers"))]
        indexes = [models.Index(fields=["birth_date"])]

    def __str__(self):
        return f"{self.name}（{self.employee_no}）"

    def clean(self):
        if not self.id_number:
            return
        try:
            facts = id_number_parse(self.id_number)
        except ValidationError as exc:
            raise ValidationError({"id_number": exc.messages}) from exc
        self.id_number = self.id_number.strip().upper()
        errors = {}
        if self.birth_date and self.birth_date != facts.birth_date:
            errors["birth_date"] = _(
                "Birth date does not match the ID number (%(date)s)."
            ) % {"date": facts.birth_date.isoformat()}
        if self.gender and self.gender != facts.gender:
            errors["gender"] = _("Gender does not match the ID number.")
        if errors:
            raise ValidationError(errors)

    @property
    def masked_id_number(self) -> str:
        return id_number_mask(self.id_number)

    masked_id_number.fget.short_description = _("ID number")

    @property
    def rank_level(self) -> str:
        return rank_level(self.rank)

    def age_on(self, day: dt.date | None = None) -> int:
        day = day or timezone.localdate()
        before_birthday = (day.month, day.day) < (
            self.birth_date.month,
            self.birth_date.day,
        )
        return day.year - self.birth_date.year - before_birthday
