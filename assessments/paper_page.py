"""The exam paper page, assembled from a shell rendered once per process.

Around the questions, the paper page (base.html, the exam header, the
navigator's frame, the submit dialog) is the same for every candidate of
every exam in one language, apart from a few values: the attempt's id (in
its URLs), its key, the seconds left, the exam's title, the candidate's name
and unit, the CSRF token, and the two blocks of questions markup. The
template is rendered once per process and language with a marker in each of
those places and cut at the markers; a page is then the pieces joined with
this candidate's values, escaped as the template escapes them. On an exam
day every candidate loads the page within the same minute, and rendering
the template was most of its cost. The pieces are kept as UTF-8 bytes and
the page is assembled as bytes: a prepared paper's markup arrives as bytes
and goes into the page without being decoded and encoded again.

``tests/assessments/test_paper_page.py`` checks that the assembled page is
the template's own rendering, byte for byte apart from the CSRF token.
With ``DEBUG`` on (development) the shell is rendered on every page, so a
template edit shows at once.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from training_site.jsi18n import catalog_version

# The attempt id's marker must be a number: the page's URLs are reversed
# with it. 18 digits, the <id:> converter's limit, which no real id reaches.
_ID_MARK = 987654321987654321
FIELDS = (
    "title",
    "cadre_name",
    "unit_name",
    "key",
    "remaining",
    "csrf",
    "navigator",
    "questions",
)
_MARKS = re.compile("\ue000([a-z_]+)\ue001|" + str(_ID_MARK))
# Fields whose values are markup of our own (paper_markup escapes every
# value it puts in); every other value is escaped here.
_SAFE = {"navigator", "questions", "attempt_id", "remaining"}

_shells: dict[tuple, list[tuple[bytes, str | None]]] = {}


def _mark(field: str) -> str:
    return f"\ue000{field}\ue001"


def _render_shell() -> str:
    marks = {field: mark_safe(_mark(field)) for field in FIELDS}  # noqa: S308
    unit = SimpleNamespace(name=marks["unit_name"])
    cadre = SimpleNamespace(name=marks["cadre_name"], unit=unit)
    exam = SimpleNamespace(title=marks["title"])
    context = {
        "attempt": SimpleNamespace(pk=_ID_MARK, exam=exam, cadre=cadre),
        "exam": exam,
        "attempt_key": marks["key"],
        "remaining_seconds": marks["remaining"],
        "navigator_html": marks["navigator"],
        "questions_html": marks["questions"],
        "csrf_token": marks["csrf"],
        # What the site's context processors give the template.
        "site_name": settings.SITE_NAME,
        "js_catalog_version": catalog_version(),
        "messages": (),
    }
    return render_to_string("assessments/paper.html", context)


def _cut(rendered: str) -> list[tuple[bytes, str | None]]:
    """[(literal text as UTF-8, field after it or None)] in page order."""
    pieces, begin = [], 0
    for found in _MARKS.finditer(rendered):
        field = found.group(1) or "attempt_id"
        pieces.append((rendered[begin : found.start()].encode(), field))
        begin = found.end()
    pieces.append((rendered[begin:].encode(), None))
    return pieces


def shell() -> list[tuple[bytes, str | None]]:
    """The active language's shell (rendered on first use in this process)."""
    key = (get_language(), catalog_version())
    pieces = _shells.get(key)
    if pieces is None:
        pieces = _cut(_render_shell())
        if not settings.DEBUG:
            _shells[key] = pieces
    return pieces


def render_page(
    *,
    attempt,
    key: str,
    remaining_seconds: int,
    csrf_token: str,
    navigator_html: str | bytes,
    questions_html: str | bytes,
) -> bytes:
    """The paper page of ``attempt`` (with ``exam`` and ``cadre.unit`` set,
    as selectors.attempt_for_paper gives it) in the active language, as
    UTF-8. The two blocks of markup are text or UTF-8 bytes."""
    values = {
        "attempt_id": str(attempt.pk),
        "title": attempt.exam.title,
        "cadre_name": attempt.cadre.name,
        "unit_name": attempt.cadre.unit.name,
        "key": key,
        "remaining": str(int(remaining_seconds)),
        "csrf": csrf_token,
        "navigator": navigator_html,
        "questions": questions_html,
    }
    for field, value in values.items():
        if field not in _SAFE:
            value = escape(value)
        values[field] = value if isinstance(value, bytes) else value.encode()
    out = []
    for literal, field in shell():
        out.append(literal)
        if field is not None:
            out.append(values[field])
    return b"".join(out)
