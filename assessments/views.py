"""Candidate pages and the JSON endpoints the paper page uses.

Contract (kept stable for the load benchmark, see docs/assessments.md):
POST /exams/<exam_id>/start/                 -> 200 the paper page
    (whose URL, /exams/attempts/<id>/, paper.js puts in the address bar)
POST /exams/attempts/<id>/answers/ (JSON)    -> 200 {"saved": true, ...} | 409
POST /exams/attempts/<id>/flags/ (JSON)      -> 200 {"question", "flagged"} | 409
GET  /exams/attempts/<id>/state/             -> saved answers, remaining_seconds, key
GET  /exams/attempts/<id>/clock/             -> status, remaining_seconds (resync)
POST /exams/attempts/<id>/submit/            -> idempotent

Answers, flags and clock take the paper page's attempt key in the
X-Attempt-Key header (keys.py: no session lookup, no CSRF cookie; 403 with
"key": "retired" when it is not, or no longer, valid) or, without the
header, a normal signed-in request with its CSRF token.
"""

import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from personnel.api import cadre_for_user

from . import keys, paper_page, selectors, services
from .errors import AssessmentError, AttemptClosed, AttemptKeyRetired, AttemptNotFound
from .grading import ResponseInvalid
from .models import Attempt, Exam


def _cadre_or_404(request):
    cadre = cadre_for_user(user=request.user)
    if cadre is None:
        raise Http404(_("Your account has no cadre profile."))
    return cadre


def _own_attempt(request, attempt_id: int) -> Attempt:
    attempt = selectors.attempt_for_user(attempt_id=attempt_id, user=request.user)
    if attempt is None:
        raise Http404(_("No such attempt."))
    return attempt


def _close_if_expired(attempt: Attempt) -> Attempt:
    """On-access closing: the deadline closes an attempt even with no browser."""
    now = timezone.now()
    if attempt.is_open and now > attempt.deadline + selectors.save_grace():
        services.attempt_close(attempt_id=attempt.pk, now=now)
        attempt.refresh_from_db()
    return attempt


@login_required
@require_GET
def my_exams(request):
    cadre = _cadre_or_404(request)
    now = timezone.now()
    expired = Attempt.objects.filter(
        cadre=cadre, status="in_progress", deadline__lt=now - selectors.save_grace()
    )
    for attempt_id in expired.values_list("pk", flat=True):
        services.attempt_close(attempt_id=attempt_id, now=now)
    rows = selectors.my_exam_rows(cadre=cadre, now=now)
    return render(request, "assessments/my_exams.html", {"rows": rows, "now": now})


@login_required
@require_GET
def exam_detail(request, exam_id: int):
    cadre = _cadre_or_404(request)
    exam = get_object_or_404(selectors.exams_for_cadre(cadre=cadre), pk=exam_id)
    context = selectors.exam_overview(exam=exam, cadre=cadre, now=timezone.now())
    return render(request, "assessments/exam_detail.html", context)


@login_required
@require_POST
def exam_start(request, exam_id: int):
    """Start (or resume) and answer with the paper itself.

    The page comes back as the POST's answer, not through a redirect: on an
    exam day every candidate presses Start in the same minute, and one
    request each is half the work of two. paper.js then puts the paper's own
    URL in the address bar (history.replaceState), so a reload asks for the
    paper, not for a second Start.
    """
    # A prepared paper opens in one statement (the exam-day spike).
    attempt = services.attempt_unseal(exam_id=exam_id, user_id=request.user.pk)
    if attempt is not None:
        return _paper_response(request, attempt)
    cadre = _cadre_or_404(request)
    exam = get_object_or_404(Exam, pk=exam_id)
    try:
        attempt = services.attempt_start(exam=exam, cadre=cadre)
    except AssessmentError as exc:
        messages.error(request, str(exc))
        if selectors.exam_is_eligible(exam=exam, cadre=cadre):
            return redirect("assessments:exam_detail", exam_id=exam.pk)
        return redirect("assessments:my_exams")
    return _paper_or_result(request, attempt.pk)


@login_required
@require_GET
def attempt_paper(request, attempt_id: int):
    return _paper_or_result(request, attempt_id)


def _paper_or_result(request, attempt_id: int) -> HttpResponse:
    """The paper of this user's open attempt, or, once closed, its result."""
    attempt = selectors.attempt_for_paper(
        attempt_id=attempt_id, user_id=request.user.pk
    )
    if attempt is None:
        raise Http404(_("No such attempt."))
    attempt = _close_if_expired(attempt)
    if not attempt.is_open:
        return redirect("assessments:attempt_result", attempt_id=attempt.pk)
    return _paper_response(request, attempt)


def _paper_response(request, attempt: Attempt) -> HttpResponse:
    now = timezone.now()
    # Start from a prepared paper: its markup was built with it.
    context = selectors.paper_context_from_markup(
        attempt=attempt, packed=getattr(attempt, "prepared_markup", None), now=now
    )
    if context is None:
        context = selectors.paper_context(attempt=attempt, now=now)
    key = keys.attempt_key(attempt_id=attempt.pk, version=attempt.key_version)
    if len(messages.get_messages(request)):
        # Notices to show: the template itself (paper_page's shell has none).
        context["attempt_key"] = key
        for name in ("navigator_html", "questions_html"):
            context[name] = selectors.markup_text(context[name])
        response = render(request, "assessments/paper.html", context)
    else:
        response = HttpResponse(
            paper_page.render_page(
                attempt=attempt,
                key=key,
                remaining_seconds=context["remaining_seconds"],
                csrf_token=get_token(request),
                navigator_html=context["navigator_html"],
                questions_html=context["questions_html"],
            )
        )
    # It carries the attempt key: nobody in between keeps a copy.
    add_never_cache_headers(response)
    return response


def _json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"saved": False, "error": message}, status=status)


# Ids and AnswerStep.seq are bigints (the page's seq: milliseconds since 1970).
BIGINT_MAX = 2**63 - 1


class _BadField(ValueError):
    """A field of a JSON body that is not what it must be (the message says)."""


def _whole_number(data: dict, name: str) -> int | None:
    """data[name] as a whole number that fits a bigint; None when absent."""
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        value = -1
    if not 0 <= value <= BIGINT_MAX:
        raise _BadField(
            _("%(field)s must be a whole number from 0 to %(max)s.")
            % {"field": name, "max": BIGINT_MAX}
        )
    return value


def _body_error(exc: ValueError, usage: str) -> JsonResponse:
    return _json_error(str(exc) if isinstance(exc, _BadField) else usage, 400)


def _parse_save(body: bytes):
    data = json.loads(body)
    if not isinstance(data, dict):
        raise ValueError
    seq = _whole_number(data, "seq")
    question, item = _whole_number(data, "question"), _whole_number(data, "item")
    if seq is None or not (question or item):
        raise ValueError
    return data


def _key_refused(message: str | None = None) -> JsonResponse:
    """403 for a key that is not (or no longer) this attempt's: the page
    fetches a fresh key from the state endpoint and sends again."""
    message = message or _("This page's key for the attempt is not valid.")
    return JsonResponse(
        {"saved": False, "error": message, "key": "retired"}, status=403
    )


def _keyed(view):
    """An endpoint the paper page calls with its attempt key (see keys.py).

    With the ``X-Attempt-Key`` header the key is the proof: no session, no
    CSRF cookie; ``view`` gets ``key_version=``. Without it, the usual
    signed-in request (login and CSRF checked); ``view`` gets ``user_id=``.
    """

    @csrf_protect
    @login_required
    def signed_in(request, attempt_id):
        return view(request, attempt_id, {"user_id": request.user.pk})

    @csrf_exempt  # a keyed request proves itself; the others are checked above
    @wraps(view)
    def endpoint(request, attempt_id: int):
        key = request.META.get(keys.META_KEY)
        if key is None:
            return signed_in(request, attempt_id)
        version = keys.key_version(key, attempt_id=attempt_id)
        if version is None:
            return _key_refused()
        return view(request, attempt_id, {"key_version": version})

    return endpoint


@require_POST
@_keyed
def attempt_answer(request, attempt_id: int, owner: dict):
    try:
        data = _parse_save(request.body)
    except ValueError as exc:
        return _body_error(
            exc, _('Send JSON: {"question": id, "response": value, "seq": number}.')
        )
    try:
        step = services.answer_save(
            attempt_id=attempt_id,
            question_id=data.get("question"),
            item_id=data.get("item"),
            response=data.get("response"),
            seq=data["seq"],
            **owner,
        )
    except AttemptClosed as exc:
        return _json_error(str(exc), 409)
    except AttemptNotFound as exc:
        return _json_error(str(exc), 404)
    except AttemptKeyRetired as exc:
        return _key_refused(str(exc))
    except ResponseInvalid as exc:
        return _json_error(str(exc), 400)
    return _saved_json(step)


def _saved_json(step: services.SavedAnswer) -> HttpResponse:
    """{"saved": true, "seq": n, "saved_at": ISO time}: the exam day's most
    frequent answer, written as bytes (an integer and an ISO date need no
    escaping; the JSON encoder cost more than the rest of the response)."""
    body = b'{"saved": true, "seq": %d, "saved_at": "%s"}' % (
        step.seq,
        step.saved_at.isoformat().encode(),
    )
    return HttpResponse(body, content_type="application/json")


@require_POST
@_keyed
def attempt_flag(request, attempt_id: int, owner: dict):
    """Set or clear the flag on one question: {"question": id, "flagged": bool}."""
    try:
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise ValueError
        question, flagged = _whole_number(data, "question"), data.get("flagged")
        if not question or not isinstance(flagged, bool):
            raise ValueError
    except ValueError as exc:
        return _body_error(
            exc, _('Send JSON: {"question": id, "flagged": true or false}.')
        )
    try:
        flagged = services.item_flag(
            attempt_id=attempt_id, question_id=question, flagged=flagged, **owner
        )
    except AttemptClosed as exc:
        return _json_error(str(exc), 409)
    except AttemptNotFound as exc:
        return _json_error(str(exc), 404)
    except AttemptKeyRetired as exc:
        return _key_refused(str(exc))
    return JsonResponse({"question": question, "flagged": flagged})


@never_cache
@login_required
@require_GET
def attempt_state(request, attempt_id: int):
    """Saved answers and time for resuming, and a fresh attempt key."""
    attempt = _close_if_expired(_own_attempt(request, attempt_id))
    state = selectors.attempt_state(attempt=attempt, now=timezone.now())
    state["key"] = keys.attempt_key(attempt_id=attempt.pk, version=attempt.key_version)
    return JsonResponse(state)


@require_GET
@_keyed
def attempt_clock(request, attempt_id: int, owner: dict):
    """The countdown's resync (every 60 s from each paper): one small query."""
    now = timezone.now()
    clock = selectors.attempt_clock(attempt_id=attempt_id, **owner)
    if clock is None:
        if "key_version" in owner:
            return _key_refused()
        raise Http404(_("No such attempt."))
    if clock["status"] == "in_progress" and now > clock["deadline"] + (
        selectors.save_grace()
    ):
        services.attempt_close(attempt_id=attempt_id, now=now)
        clock = selectors.attempt_clock(attempt_id=attempt_id, **owner)
    return JsonResponse(selectors.clock_json(clock=clock, now=now))


@login_required
@require_POST
def attempt_submit(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    attempt = services.attempt_submit(attempt_id=attempt.pk, user_id=request.user.pk)
    result_url = reverse("assessments:attempt_result", args=[attempt.pk])
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(
            {"submitted": True, "status": attempt.status, "result_url": result_url}
        )
    return redirect(result_url)


@login_required
@require_GET
def attempt_result(request, attempt_id: int):
    attempt = _close_if_expired(_own_attempt(request, attempt_id))
    if attempt.is_open:
        return redirect("assessments:attempt_paper", attempt_id=attempt.pk)
    context = selectors.result_context(attempt=attempt, now=timezone.now())
    return render(request, "assessments/result.html", context)


@login_required
@require_POST
def review_request(request, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    try:
        services.review_request(
            attempt=attempt, user=request.user, reason=request.POST.get("reason", "")
        )
    except AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your request for a review has been sent."))
    return redirect("assessments:attempt_result", attempt_id=attempt.pk)
