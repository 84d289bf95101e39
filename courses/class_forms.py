"""The training-class admin form: the checks that span a class, its sessions
(课次) and its roster (学员名单), which no single row can make on its own.

This module imports no models, so that ``models/classes.py`` can name the form
and the roster panel in its panel definitions."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from modelcluster.forms import BaseChildFormSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import InlinePanel


def _kept_forms(formset):
    """The rows of *formset* that passed their own checks and stay on save."""
    return [
        form
        for form in formset.forms
        if form.is_valid() and not form.cleaned_data.get("DELETE", False)
    ]


class RosterFormSet(BaseChildFormSet):
    """One place per cadre. A repeated cadre is named on its own row, instead
    of Django's generic message about duplicate ``training_class`` and
    ``cadre`` data."""

    def validate_unique(self):
        seen = set()
        repeated = False
        for form in _kept_forms(self):
            cadre = form.cleaned_data.get("cadre")
            if cadre is None:
                continue
            if cadre.pk in seen:
                repeated = True
                form.add_error(
                    "cadre",
                    ValidationError(
                        _(
                            "%(cadre)s is already on the roster: the same cadre "
                            "cannot be added to a class twice."
                        ),
                        code="duplicate_cadre",
                        params={"cadre": cadre},
                    ),
                )
            seen.add(cadre.pk)
        if not repeated:
            super().validate_unique()


class RosterPanel(InlinePanel):
    """The roster's InlinePanel, validated by :class:`RosterFormSet`
    (Wagtail's InlinePanel has no option for the formset class)."""

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["formset"] = RosterFormSet
        return options


class TrainingClassForm(WagtailAdminModelForm):
    """Refuses a class whose dates, hours and sessions contradict each other.

    A session's own times are checked by ``ClassSession.clean``; what needs
    the class as well (its dates, its hours) is checked here, on the class
    fields as typed in this same form."""

    def clean(self):
        cleaned_data = super().clean()
        start = cleaned_data.get("start_date")
        end = cleaned_data.get("end_date")
        if start and end and end < start:
            self.add_error(
                "end_date",
                _("The class cannot end before it starts (%(start)s).")
                % {"start": date_format(start)},
            )
            end = None
        sessions = self.formsets.get("sessions")
        if sessions is not None:
            self._clean_sessions(
                _kept_forms(sessions), start, end, cleaned_data.get("credit_hours")
            )
        return cleaned_data

    def _clean_sessions(self, forms, start, end, class_hours) -> None:
        total = Decimal("0")
        for form in forms:
            hours = form.cleaned_data.get("hours")
            if hours is not None:
                total += hours
            if class_hours is not None and hours is not None and hours > class_hours:
                form.add_error(
                    "hours",
                    _(
                        "A session cannot count more hours than the whole class "
                        "(%(hours)s hours)."
                    )
                    % {"hours": class_hours},
                )
            if start and end:
                self._check_session_dates(form, start, end)
        if class_hours is not None and total > class_hours:
            self.add_error(
                "credit_hours",
                _(
                    "The sessions add up to %(total)s hours, more than the class's "
                    "%(hours)s hours. Absences are counted against the sessions "
                    "and a participant earns the class hours, so the sessions "
                    "must not add up to more: lower the session hours or raise "
                    "the class hours."
                )
                % {"total": total, "hours": class_hours},
            )

    @staticmethod
    def _check_session_dates(form, start, end) -> None:
        message = _(
            "The session must take place within the class dates (%(start)s to %(end)s)."
        ) % {"start": date_format(start), "end": date_format(end)}
        for field in ("starts_at", "ends_at"):
            moment = form.cleaned_data.get(field)
            if moment is not None and not start <= timezone.localdate(moment) <= end:
                form.add_error(field, message)
