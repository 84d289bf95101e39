"""Wagtail admin views: question preview and key correction, exam listing
buttons, marking queue, results, item analysis, reviews, import/export."""

import io
from types import SimpleNamespace

import openpyxl
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import ProtectedError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import TitleColumn
from wagtail.admin.views import generic

from personnel.api import unit_from_query, units_visible_to, xlsx_fit_columns

from . import (
    importers,
    item_analysis,
    paper_markup,
    question_io,
    selectors,
    services,
)
from .admin_forms import (
    ExportForm,
    ImportForm,
    MarkForm,
    ReviewAnswerForm,
    question_key,
)
from .choices import ReviewStatus
from .choosers import question_title
from .errors import AssessmentError, ImportRejected
from .grading import snapshot_public
from .models import Exam, PaperItem, Question, ResultReview

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


# --- Questions -----------------------------------------------------------------


class QuestionEditView(generic.EditView):
    def save_instance(self):
        before = question_key(Question.objects.get(pk=self.object.pk))
        instance = super().save_instance()
        fresh = Question.objects.get(pk=instance.pk)
        used = PaperItem.objects.filter(question=fresh).exists()
        if used and question_key(fresh) != before:
            # QuestionForm requires the reason whenever this happens.
            changed = services.question_key_correct(
                question=fresh,
                by=self.request.user,
                reason=self.form.cleaned_data["regrade_reason"],
            )
            messages.info(
                self.request,
                _("The key changed: %(n)s answers were regraded.") % {"n": changed},
            )
        else:
            # Papers drawn in advance hold the question as it was.
            services.question_papers_refresh(question=fresh)
        return instance


class QuestionIndexView(generic.IndexView):
    def _get_title_column(self, field_name, column_class=TitleColumn, **kwargs):
        # The stem, plain and cut short, still linking to the editor with the
        # row's buttons (Wagtail builds those in this method).
        kwargs.setdefault("accessor", question_title)
        return super()._get_title_column(field_name, column_class, **kwargs)


class QuestionInspectView(generic.InspectView):
    template_name = "assessments/admin/question_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        question = self.object
        snapshot = {
            "qtype": question.qtype,
            "stem": question.stem,
            "choices": [{"id": c.pk, "text": c.text} for c in question.choices.all()],
        }
        context["preview"] = snapshot_public(snapshot)
        # The paper's own markup (and exam.css), so the preview cannot drift
        # from what candidates see.
        item = SimpleNamespace(
            position=1, question_id=question.pk, points=question.points, flagged=False
        )
        context["paper_markup"] = paper_markup.questions_html(
            [
                {
                    "item": item,
                    "public": context["preview"],
                    "response": None,
                    "chosen": (),
                    "seq": 0,
                }
            ]
        )
        context["question"] = question
        context["used_count"] = PaperItem.objects.filter(question=question).count()
        return context


class ExamIndexView(generic.IndexView):
    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        user = self.request.user
        if user.has_perm("assessments.view_result"):
            buttons += [
                MenuItem(
                    _("Results"),
                    reverse("assessments_admin_results", args=[instance.pk]),
                    icon_name="table",
                    priority=40,
                ),
                MenuItem(
                    _("Item analysis"),
                    reverse("assessments_admin_analysis", args=[instance.pk]),
                    icon_name="resubmit",
                    priority=41,
                ),
            ]
        return buttons


class ExamFormMixin:
    def save_instance(self):
        instance = super().save_instance()
        for problem in services.exam_paper_problems(exam=instance):
            messages.warning(self.request, problem)
        # A warning, not a refusal: like a draw rule asking for more than its
        # bank holds, the paper is often finished after the exam is saved.
        total = selectors.exam_paper_total(exam=instance)
        if total and instance.pass_mark > total:
            messages.warning(
                self.request,
                _(
                    "The pass mark %(mark)s is more than the paper's total of "
                    "%(total)s points: no one could pass."
                )
                % {"mark": instance.pass_mark, "total": total},
            )
        services.exam_papers_refresh(exam=instance)
        if instance.prepare_papers and instance.is_published:
            messages.info(
                self.request,
                _("Candidates' papers are being drawn in advance."),
            )
        return instance


class AccommodationFormMixin:
    def save_instance(self):
        instance = super().save_instance()
        changed = services.accommodation_apply(exam=instance.exam, cadre=instance.cadre)
        if changed:
            messages.info(
                self.request,
                _("The deadline of the attempt in progress has been moved."),
            )
        return instance


class AccommodationCreateView(AccommodationFormMixin, generic.CreateView):
    pass


class AccommodationEditView(AccommodationFormMixin, generic.EditView):
    pass


class ExamCreateView(ExamFormMixin, generic.CreateView):
    pass


class ExamEditView(ExamFormMixin, generic.EditView):
    pass


# --- Import and export ----------------------------------------------------------


def import_view(request):
    _require(request, "assessments.add_question")
    problems, form = [], ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            created = question_io.questions_import(
                bank=form.cleaned_data["bank"], filename=upload.name, data=upload.read()
            )
        except ImportRejected as exc:
            problems = exc.problems
        else:
            messages.success(
                request, _("%(n)s questions were imported.") % {"n": created}
            )
            return redirect("assessments_admin_import")
    return render(
        request,
        "assessments/admin/import.html",
        {
            "form": form,
            "problems": problems,
            "export_form": ExportForm(auto_id="id_export_%s"),
        },
    )


def template_view(request):
    _require(request, "assessments.add_question")
    response = HttpResponse(importers.xlsx_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="question-template.xlsx"'
    return response


def export_view(request):
    _require(request, "assessments.view_question")
    form = ExportForm(request.GET)
    if not form.is_valid():
        raise Http404(_("No such question bank."))
    bank = form.cleaned_data["bank"]
    data = question_io.questions_export(questions=bank.questions.all())
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="bank-{bank.pk}.xlsx"'
    return response


# --- Results, distribution, item analysis -------------------------------------


def _exam_attempts(request, exam):
    """The exam's attempts the user may see, narrowed to ?unit=. A unit that
    does not exist or lies outside the user's scope is a 404, as on the
    personnel reports: showing every unit instead would mislead."""
    attempts = selectors.attempts_visible_to(user=request.user).filter(exam=exam)
    unit = None
    if request.GET.get("unit", "").strip():
        unit = unit_from_query(user=request.user, value=request.GET["unit"])
        attempts = attempts.filter(cadre__unit__path__startswith=unit.path)
    return attempts.order_by("cadre__unit__path", "cadre__employee_no", "number"), unit


def results_view(request, exam_id: int):
    _require(request, "assessments.view_result")
    exam = get_object_or_404(Exam, pk=exam_id)
    attempts, unit = _exam_attempts(request, exam)
    if request.GET.get("format") == "xlsx":
        return _results_xlsx(exam, attempts)
    page = Paginator(attempts, 100).get_page(request.GET.get("p"))
    context = {
        "exam": exam,
        "page_obj": page,
        "units": units_visible_to(user=request.user).order_by("path"),
        "unit": unit,
        "distribution": item_analysis.score_distribution(exam=exam, attempts=attempts),
        "query": request.GET.copy(),
    }
    return render(request, "assessments/admin/results.html", context)


def _results_xlsx(exam, attempts) -> HttpResponse:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = _("Results")[:31]
    sheet.append(
        [
            pgettext("person", "Name"),
            _("Staff number"),
            _("Unit"),
            _("Attempt"),
            _("Status"),
            pgettext("exam result", "Score"),
            _("Full marks"),
            pgettext("exam result", "Passed"),
            _("Closed at"),
        ]
    )
    for a in attempts:
        result = getattr(a, "result", None)
        sheet.append(
            [
                a.cadre.name,
                a.cadre.employee_no,
                a.cadre.unit.name,
                a.number,
                str(a.get_status_display()),
                float(result.grade) if result else None,
                float(result.max_grade) if result else None,
                (_("Yes") if result.passed else _("No"))
                if result and result.is_final
                else "",
                timezone.localtime(a.closed_at).strftime("%Y-%m-%d %H:%M")
                if a.closed_at
                else "",
            ]
        )
    xlsx_fit_columns(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="exam-{exam.pk}-results.xlsx"'
    )
    return response


def analysis_view(request, exam_id: int):
    _require(request, "assessments.view_result")
    exam = get_object_or_404(Exam, pk=exam_id)
    attempts, unit = _exam_attempts(request, exam)
    stats = item_analysis.exam_item_analysis(exam=exam, attempts=attempts)
    return render(
        request,
        "assessments/admin/analysis.html",
        {
            "exam": exam,
            "stats": stats,
            "unit": unit,
            "units": units_visible_to(user=request.user).order_by("path"),
        },
    )


# --- Marking and reviews ------------------------------------------------------


def marking_queue_view(request):
    _require(request, "assessments.change_result")
    exam_id = request.GET.get("exam")
    items = selectors.marking_queue(
        exam_id=int(exam_id) if exam_id and exam_id.isdigit() else None
    )
    page = Paginator(items, 50).get_page(request.GET.get("p"))
    return render(request, "assessments/admin/marking_queue.html", {"page_obj": page})


def mark_item_view(request, item_id: int):
    _require(request, "assessments.change_result")
    item = get_object_or_404(
        selectors.markable_items().select_related("attempt__exam", "question"),
        pk=item_id,
    )
    form = MarkForm(request.POST or None, points=item.points)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_mark(
                item_id=item.pk,
                mark=form.cleaned_data["mark"],
                by=request.user,
                comment=form.cleaned_data["comment"],
            )
        except AssessmentError as exc:
            form.add_error("mark", str(exc))
        else:
            messages.success(request, _("Mark saved."))
            return redirect("assessments_admin_marking")
    return render(
        request, "assessments/admin/mark_item.html", {"item": item, "form": form}
    )


def reviews_view(request):
    _require(request, "assessments.change_result")
    reviews = ResultReview.objects.select_related(
        "attempt__exam", "attempt__cadre", "attempt__result"
    ).order_by("status", "-requested_at")
    page = Paginator(reviews, 50).get_page(request.GET.get("p"))
    return render(request, "assessments/admin/reviews.html", {"page_obj": page})


def review_answer_view(request, review_id: int):
    _require(request, "assessments.change_result")
    review = get_object_or_404(
        ResultReview.objects.select_related("attempt__exam", "attempt__cadre"),
        pk=review_id,
    )
    items = selectors.items_with_answer_texts(review.attempt.items.order_by("position"))
    form = ReviewAnswerForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and review.status == ReviewStatus.OPEN
    ):
        try:
            marks = _posted_marks(request, items)
            services.review_answer(
                review=review,
                by=request.user,
                answer=form.cleaned_data["answer"],
                marks=marks,
            )
        except (AssessmentError, ValueError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The review has been answered."))
            return redirect("assessments_admin_reviews")
    return render(
        request,
        "assessments/admin/review_answer.html",
        {"review": review, "items": items, "form": form},
    )


def _posted_marks(request, items) -> dict:
    from decimal import Decimal, InvalidOperation

    marks = {}
    for item in items:
        raw = request.POST.get(f"mark-{item.pk}", "").strip()
        if raw == "":
            continue
        try:
            mark = Decimal(raw)
        except InvalidOperation:
            raise ValueError(
                _("Question %(n)s: the mark must be a number.") % {"n": item.position}
            ) from None
        if mark != item.mark:
            marks[item.pk] = mark
    return marks


class InUseDeleteView(generic.DeleteView):
    """Refuse, with a message, to delete what exams or attempts still use."""

    def form_valid(self, form):
        # Wagtail's reference index knows some uses (exams' fixed questions);
        # the database knows all of them (candidates' papers).
        try:
            if self.usage and self.usage.is_protected:
                raise ProtectedError("in use", set())
            return super().form_valid(form)
        except ProtectedError:
            messages.error(
                self.request,
                _(
                    "“%(object)s” is used by exams or candidates' papers and cannot "
                    "be deleted. Untick “in use” (questions) or unpublish it instead."
                )
                % {"object": self.object},
            )
            return redirect(self.index_url_name)


def attempt_detail_view(request, attempt_id: int):
    """One attempt for trainers and (scoped) unit administrators: the paper
    as answered, marks, and the full history of grade changes and reviews."""
    _require(request, "assessments.view_result")
    attempt = get_object_or_404(
        selectors.attempts_visible_to(user=request.user), pk=attempt_id
    )
    return render(
        request,
        "assessments/admin/attempt_detail.html",
        {
            "attempt": attempt,
            "items": selectors.items_with_answer_texts(
                attempt.items.order_by("position")
            ),
            "changes": attempt.grade_changes.select_related("changed_by", "item"),
            "reviews": attempt.reviews.select_related("answered_by"),
        },
    )
