"""Wagtail admin views for offline classes and required-course assignments.
Thin: the work is in services."""

import base64
import io

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views import generic

from personnel import api as personnel_api

from . import services
from .choices import AttendanceStatus
from .errors import AttendanceImportError, CoursesError
from .forms import AttendanceImportForm
from .models import Attendance, CourseAssignment, TrainingClass

CLASS_ACTIONS = [
    ("courses_class_attendance", gettext_lazy("Attendance"), "tasks"),
    ("courses_class_import", gettext_lazy("Import attendance"), "upload"),
    ("courses_class_qr", gettext_lazy("Sign-in QR codes"), "view"),
    ("courses_class_close", gettext_lazy("Close the class"), "lock"),
]


def _class_or_403(request, pk: int, perm: str = "change") -> TrainingClass:
    if not request.user.has_perm(f"courses.{perm}_trainingclass"):
        raise PermissionDenied
    return get_object_or_404(TrainingClass, pk=pk)


class TrainingClassIndexView(generic.IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.is_closed:
            delete_url = self.get_delete_url(instance)
            buttons = [button for button in buttons if button.url != delete_url]
        for priority, (name, label, icon) in enumerate(CLASS_ACTIONS, start=1):
            buttons.append(
                MenuItem(
                    label,
                    url=reverse(name, args=[instance.pk]),
                    icon_name=icon,
                    priority=priority,
                )
            )
        return buttons


def closed_class_message(training_class: TrainingClass) -> str:
    return _(
        "This class was closed on %(date)s and its hours are in the "
        "participants' training archives: it can no longer be changed."
    ) % {"date": date_format(timezone.localdate(training_class.closed_at))}


class TrainingClassEditView(generic.EditView):
    """A closed class is the record behind the hours it put in the archive:
    the page says so and shows no save button, and a save is refused."""

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.is_closed:
            messages.error(
                request, _("The class is closed and can no longer be changed.")
            )
            return redirect(self.get_edit_url())
        return super().post(request, *args, **kwargs)

    @cached_property
    def can_delete(self):
        return not self.object.is_closed and self.user_has_permission_for_instance(
            "delete", self.object
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.object.is_closed:
            context["closed_message"] = closed_class_message(self.object)
        return context


class TrainingClassDeleteView(generic.DeleteView):
    """Deleting a closed class would take away the sessions, roster and
    outcomes behind its participants' archived hours: it is refused."""

    def get(self, request, *args, **kwargs):
        return self._refuse_closed() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self._refuse_closed() or super().post(request, *args, **kwargs)

    def _refuse_closed(self):
        if not self.object.is_closed:
            return None
        messages.error(
            self.request,
            _(
                "A closed class cannot be deleted: its participants' hours and "
                "certificates rest on its sessions and attendance."
            ),
        )
        return redirect(self.edit_url_name, self.object.pk)


def _grid(training_class):
    sessions = list(training_class.sessions.all())
    places = list(
        training_class.participants.select_related("cadre", "cadre__unit").order_by(
            "cadre__employee_no"
        )
    )
    marks = {
        (a.session_id, a.cadre_id): a.status
        for a in Attendance.objects.filter(session__training_class=training_class)
    }
    rows = [
        {
            "place": place,
            "cells": [
                {"session": s, "status": marks.get((s.pk, place.cadre_id), "")}
                for s in sessions
            ],
        }
        for place in places
    ]
    return sessions, rows


def class_attendance_view(request, pk: int):
    training_class = _class_or_403(request, pk)
    if request.method == "POST":
        try:
            _save_grid(request, training_class)
        except CoursesError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Attendance saved."))
            return redirect("courses_class_attendance", pk)
    sessions, rows = _grid(training_class)
    return render(
        request,
        "courses/admin/attendance.html",
        {
            "training_class": training_class,
            "sessions": sessions,
            "rows": rows,
            "statuses": AttendanceStatus.choices,
        },
    )


def _save_grid(request, training_class):
    valid = set(AttendanceStatus.values)
    for session in training_class.sessions.all():
        statuses = {}
        for place in training_class.participants.all():
            value = request.POST.get(f"s{session.pk}-c{place.cadre_id}", "")
            if value in valid:
                statuses[place.cadre_id] = value
        services.attendance_mark(
            session=session, statuses=statuses, marked_by=request.user
        )


def class_import_view(request, pk: int):
    training_class = _class_or_403(request, pk)
    form = AttendanceImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            count = services.attendance_import(
                training_class=training_class,
                content=form.cleaned_data["file"].read(),
                marked_by=request.user,
            )
        except AttendanceImportError as exc:
            errors = exc.errors
        except CoursesError as exc:
            errors = [str(exc)]
        else:
            messages.success(
                request, _("%(n)d attendance marks imported.") % {"n": count}
            )
            return redirect("courses_class_attendance", pk)
    return render(
        request,
        "courses/admin/attendance_import.html",
        {"training_class": training_class, "form": form, "errors": errors},
    )


def class_template_view(request, pk: int):
    training_class = _class_or_403(request, pk, "view")
    response = HttpResponse(
        services.attendance_template(training_class=training_class),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="attendance-{pk}.xlsx"'
    return response


def _qr_data_uri(url: str) -> str:
    # An SVG drawn through <img> must declare its namespace, or browsers
    # refuse it; svg_inline() leaves xmlns out (it is meant for inline SVG).
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=6, xmldecl=False, svgns=True, nl=False
    )
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def class_qr_view(request, pk: int):
    training_class = _class_or_403(request, pk, "view")
    now = timezone.now()
    codes = []
    for session in training_class.sessions.all():
        url = request.build_absolute_uri(
            reverse("courses:sign_in", args=[session.sign_in_token])
        )
        opens = session.starts_at - services.SIGN_IN_EARLY
        codes.append(
            {
                "session": session,
                "url": url,
                "qr": _qr_data_uri(url),
                "open_now": opens <= now <= session.ends_at,
                "opens": opens,
            }
        )
    return render(
        request,
        "courses/admin/qr_codes.html",
        {"training_class": training_class, "codes": codes},
    )


def class_close_view(request, pk: int):
    training_class = _class_or_403(request, pk)
    if request.method == "POST" and not training_class.is_closed:
        _close_confirmed(request, training_class)
        return redirect("courses_class_close", pk)
    context = {"training_class": training_class}
    if training_class.is_closed:
        places = training_class.participants.select_related("cadre", "cadre__unit")
        context["places"] = places.order_by("outcome", "cadre__employee_no")
    else:
        try:
            context["preview"] = services.class_close_preview(
                training_class=training_class
            )
        except CoursesError as exc:
            context["preview_error"] = str(exc)
        context["refusals"] = sum(not o.earns for o in context.get("preview", []))
        last_end = training_class.sessions.order_by("-ends_at").first()
        if last_end is not None and timezone.now() < last_end.ends_at:
            context["not_over_until"] = last_end.ends_at
    return render(request, "courses/admin/close.html", context)


def _close_confirmed(request, training_class: TrainingClass) -> None:
    """Close only once the trainer has ticked that they checked the preview:
    closing cannot be undone."""
    if request.POST.get("confirm") != "yes":
        messages.error(
            request,
            _(
                "Tick the box to confirm that you have checked the outcomes: "
                "closing cannot be undone."
            ),
        )
        return
    try:
        result = services.class_close(
            training_class=training_class, closed_by=request.user
        )
    except CoursesError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Class closed: %(earned)d earned hours, %(refused)d did not.")
            % {"earned": len(result.earned), "refused": len(result.refused)},
        )


class AssignmentIndexView(generic.IndexView):
    def get_base_queryset(self):
        queryset = super().get_base_queryset().select_related("course", "unit")
        if personnel_api.user_scope(user=self.request.user).everything:
            return queryset
        return queryset.filter(assigned_by=self.request.user)


class AssignmentCreateView(generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.course_assign(
            course=data["course"],
            due_date=data["due_date"],
            assigned_by=self.request.user,
            unit=data["unit"],
            teams=list(data["teams"]),
            cadres=list(data["cadres"]),
        )

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except CoursesError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)

    def get_success_message(self, instance):
        return _("Course assigned to %(n)d cadres.") % {"n": instance.enrolled_count}


def assignment_queryset_for(user):
    queryset = CourseAssignment.objects.all()
    if personnel_api.user_scope(user=user).everything:
        return queryset
    return queryset.filter(assigned_by=user)


class AssignmentScopeMixin:
    """A unit administrator reaches only their own assignments, even by a
    typed URL (404 otherwise)."""

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if not assignment_queryset_for(self.request.user).filter(pk=obj.pk).exists():
            raise Http404
        return obj


class AssignmentInspectView(AssignmentScopeMixin, generic.InspectView):
    pass


class AssignmentDeleteView(AssignmentScopeMixin, generic.DeleteView):
    pass


class AssignmentEditView(AssignmentScopeMixin, generic.EditView):
    """Assignments are records of what was required of whom: they are not
    edited (a changed due date would not reach the enrolments). Assign again
    instead."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("courses.view_courseassignment"):
            raise PermissionDenied
        self.get_object()  # scope check
        messages.info(
            request,
            _("An assignment cannot be changed; make a new one with the new due date."),
        )
        return redirect("courses_assignment:inspect", kwargs["pk"])
