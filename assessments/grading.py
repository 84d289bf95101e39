"""Pure grading: snapshots of questions, answer validation and fractions.

No database access here, so every rule is tested with plain values. A
*fraction* is 0..1 per question; the caller turns it into a *mark*
(fraction × points) and sums marks into a *grade*.
"""

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .choices import MultiChoicePolicy, QuestionType

ZERO = Decimal("0")
ONE = Decimal("1")
SHORT_ANSWER_MAX = 20_000
FILL_BLANK_MAX = 500

# What the candidate may see before review: never the key.
PUBLIC_KEYS = ("qtype", "stem")


class ResponseInvalid(ValueError):
    """An answer whose shape does not fit the question (message for the user)."""


def question_snapshot(question, *, rng=None, shuffle_options=False) -> dict:
    """Freeze a question as drawn for one candidate (options in their order)."""
    choices = [
        {
            "id": choice.pk,
            "text": choice.text,
            "fraction": str(choice.fraction),
            "feedback": choice.feedback,
        }
        for choice in question.choices.all()
    ]
    if shuffle_options and rng is not None:
        rng.shuffle(choices)
    tolerance = question.numeric_tolerance
    return {
        "qtype": question.qtype,
        "stem": question.stem,
        "difficulty": question.difficulty,
        "choices": choices,
        "correct_bool": question.correct_bool,
        "accepted_answers": list(question.accepted_answers or []),
        "numeric_tolerance": None if tolerance is None else str(tolerance),
        "reference_answer": question.reference_answer,
        "explanation": question.explanation,
        "knowledge_points": sorted(kp.name for kp in question.knowledge_points.all()),
    }


def snapshot_key_update(snapshot: dict, question) -> dict:
    """The same presentation (stem, option order) with the question's
    current key: used when a key is corrected after attempts were drawn."""
    fractions = {choice.pk: choice.fraction for choice in question.choices.all()}
    updated = dict(snapshot)
    updated["choices"] = [
        {**choice, "fraction": str(fractions.get(choice["id"], choice["fraction"]))}
        for choice in snapshot["choices"]
    ]
    updated["correct_bool"] = question.correct_bool
    updated["accepted_answers"] = list(question.accepted_answers or [])
    tolerance = question.numeric_tolerance
    updated["numeric_tolerance"] = None if tolerance is None else str(tolerance)
    updated["reference_answer"] = question.reference_answer
    updated["explanation"] = question.explanation
    return updated


def snapshot_public(snapshot: dict) -> dict:
    """What the browser may see while sitting: no fractions, no key."""
    public = {key: snapshot[key] for key in PUBLIC_KEYS}
    public["choices"] = [
        {"id": choice["id"], "text": choice["text"]} for choice in snapshot["choices"]
    ]
    return public


def response_clean(snapshot: dict, value):
    """Validate a posted answer against the question; return the stored form.

    Raises:
        ResponseInvalid: with a message the candidate can act on.
    """
    if value is None or value == "" or value == []:
        return None
    qtype = snapshot["qtype"]
    choice_ids = {choice["id"] for choice in snapshot["choices"]}
    if qtype == QuestionType.SINGLE_CHOICE:
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or value not in choice_ids
        ):
            raise ResponseInvalid(_("Choose one of the options shown."))
        return value
    if qtype == QuestionType.MULTIPLE_CHOICE:
        if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v in choice_ids
            for v in value
        ):
            raise ResponseInvalid(_("Choose options from those shown."))
        return sorted(set(value))
    if qtype == QuestionType.TRUE_FALSE:
        if not isinstance(value, bool):
            raise ResponseInvalid(_("Answer true or false."))
        return value
    if not isinstance(value, str):
        raise ResponseInvalid(_("Type your answer as text."))
    limit = FILL_BLANK_MAX if qtype == QuestionType.FILL_BLANK else SHORT_ANSWER_MAX
    if len(value) > limit:
        raise ResponseInvalid(
            _("The answer is too long (at most %(limit)s characters).")
            % {"limit": limit}
        )
    return value


def _normalise_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip().casefold()
    return re.sub(r"\s+", " ", text)


def _fraction_fill_blank(snapshot: dict, response: str) -> Decimal:
    answer = _normalise_text(response)
    accepted = {_normalise_text(a) for a in snapshot["accepted_answers"]}
    if answer in accepted:
        return ONE
    tolerance = snapshot.get("numeric_tolerance")
    if tolerance is None:
        return ZERO
    try:
        number = Decimal(answer)
    except InvalidOperation:
        return ZERO
    for candidate in snapshot["accepted_answers"]:
        try:
            if abs(number - Decimal(candidate.strip())) <= Decimal(tolerance):
                return ONE
        except ArithmeticError:  # not a number, or one such as 1e9999999
            continue
    return ZERO


def _fraction_multiple(snapshot: dict, response: list, policy: str) -> Decimal:
    fractions = {c["id"]: Decimal(c["fraction"]) for c in snapshot["choices"]}
    correct = {cid for cid, f in fractions.items() if f > 0}
    chosen = set(response)
    if policy == MultiChoicePolicy.ALL_OR_NOTHING:
        return ONE if chosen == correct else ZERO
    if policy == MultiChoicePolicy.PARTIAL:
        if not correct or chosen - correct:
            return ZERO
        return Decimal(len(chosen & correct)) / Decimal(len(correct))
    total = sum((fractions[cid] for cid in chosen), ZERO)
    return min(max(total, ZERO), ONE)


def fraction_for(snapshot: dict, response, *, policy: str) -> Decimal | None:
    """The fraction (0..1) an answer earns; None when a person must mark it."""
    qtype = snapshot["qtype"]
    if qtype == QuestionType.SHORT_ANSWER:
        return None if response else ZERO
    if response is None:
        return ZERO
    if qtype == QuestionType.SINGLE_CHOICE:
        for choice in snapshot["choices"]:
            if choice["id"] == response:
                return min(max(Decimal(choice["fraction"]), ZERO), ONE)
        return ZERO
    if qtype == QuestionType.MULTIPLE_CHOICE:
        return _fraction_multiple(snapshot, response, policy)
    if qtype == QuestionType.TRUE_FALSE:
        return ONE if response == snapshot["correct_bool"] else ZERO
    return _fraction_fill_blank(snapshot, response)


def mark_for(fraction: Decimal, points: Decimal) -> Decimal:
    return (fraction * points).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def fraction_store(fraction: Decimal) -> Decimal:
    return fraction.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
