"""The questions of a paper as HTML, built in Python.

The paper page is what every candidate loads at the start of an exam and
again on every reload; a 50-question paper through the template engine cost
most of that request (a template node per option, a localisation per
number). Same markup as before; every value is escaped with the standard
library's ``html.escape`` (what Django's ``escape`` calls, without its lazy-
string checks), and stems keep their line breaks as ``<br>``.
"""

import hashlib
from html import escape
from pathlib import Path

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .choices import QuestionType
from .numbers import number_text

# Names this markup code in the header of prepared papers' markup
# (selectors.pack_markup): a release that changes this file never serves
# markup an older one built.
VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


def navigator_html(questions: list[dict]) -> SafeString:
    links = []
    for q in questions:
        item = q["item"]
        answered = " answered" if q["response"] is not None else ""
        flagged = " flagged" if item.flagged else ""
        links.append(
            f'<a href="#q{item.position}" class="nav-q{answered}{flagged}" '
            f'data-nav="{item.question_id}">{item.position}</a>'
        )
    return mark_safe("\n".join(links))  # noqa: S308 - integers only


def _options(q: dict, input_type: str) -> str:
    item, chosen = q["item"], q["chosen"]
    return "".join(
        f'<label class="option"><input type="{input_type}" '
        f'name="q{item.question_id}" value="{int(c["id"])}"'
        f"{' checked' if c['id'] in chosen else ''}> "
        f'<span class="letter"></span> {escape(c["text"])}</label>'
        for c in q["public"]["choices"]
    )


def _answer_field(q: dict, labels: dict) -> str:
    item, qtype, response = q["item"], q["public"]["qtype"], q["response"]
    name = f"q{item.question_id}"
    if qtype == QuestionType.SINGLE_CHOICE:
        return _options(q, "radio")
    if qtype == QuestionType.MULTIPLE_CHOICE:
        return _options(q, "checkbox")
    if qtype == QuestionType.TRUE_FALSE:
        return (
            f'<label class="option"><input type="radio" name="{name}" value="true"'
            f"{' checked' if response is True else ''}> {labels['true']}</label>"
            f'<label class="option"><input type="radio" name="{name}" value="false"'
            f"{' checked' if response is False else ''}> {labels['false']}</label>"
        )
    text = escape("" if response is None else response)
    if qtype == QuestionType.FILL_BLANK:
        return (
            f'<input type="text" name="{name}" maxlength="500" value="{text}" '
            f'aria-label="{labels["answer"]}">'
        )
    return (
        f'<textarea name="{name}" rows="6" maxlength="20000" '
        f'aria-label="{labels["answer"]}">{text}</textarea>'
    )


def _lines(text: str) -> str:
    """Django's linebreaksbr filter, escaped."""
    return escape(text.replace("\r\n", "\n").replace("\r", "\n")).replace("\n", "<br>")


def questions_html(questions: list[dict]) -> SafeString:
    labels = {
        "true": escape(_("True")),
        "false": escape(_("False")),
        "answer": escape(_("Your answer")),
        "flag": escape(_("Flag for review")),
        "unflag": escape(_("Remove flag")),
        "points": _("%(p)s points"),
    }
    kinds = {value: escape(str(label)) for value, label in QuestionType.choices}
    points_labels: dict = {}
    parts = []
    for q in questions:
        item, public = q["item"], q["public"]
        points = points_labels.get(item.points)
        if points is None:
            points = escape(labels["points"] % {"p": number_text(item.points)})
            points_labels[item.points] = points
        parts.append(
            f'<fieldset class="card question{" flagged" if item.flagged else ""}" '
            f'id="q{item.position}" '
            f'data-question="{item.question_id}" '
            f'data-qtype="{escape(public["qtype"])}" data-seq="{int(q["seq"])}">'
            f'<legend><span class="qno">{item.position}.</span> '
            f'<span class="tag">{kinds.get(public["qtype"], "")}</span> '
            f'<span class="muted">{points}</span></legend>'
            f'<div class="stem">{_lines(public["stem"])}</div>'
            f"{_answer_field(q, labels)}"
            f'<button type="button" class="link flag-btn" '
            f'data-flag="{item.question_id}" '
            f'aria-pressed="{"true" if item.flagged else "false"}">'
            f"{labels['unflag'] if item.flagged else labels['flag']}</button>"
            "</fieldset>"
        )
    return mark_safe("\n".join(parts))  # noqa: S308 - every value escaped above
