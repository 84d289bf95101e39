"""Item analysis (试题分析) and score distribution for one exam.

Candidates are the latest final attempt of each cadre, ranked by grade.
- difficulty index P: the mean fraction earned on the question (1 = everyone
  got it right);
- discrimination index D = P(upper 27%) - P(lower 27%) of candidates ranked
  by total grade (classical Kelley groups; ties broken by attempt id);
- option frequencies: how many of those who got the question chose each option.
A question drawn for only some candidates is analysed over those who got it.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import pgettext

from .choices import QuestionType
from .models import Attempt, PaperItem, QuestionChoice

GROUP_SHARE = Decimal("0.27")


@dataclass
class OptionCount:
    label: str
    text: str
    count: int
    correct: bool


@dataclass
class ItemStats:
    question_id: int
    stem: str
    qtype: str
    answered_by: int
    difficulty: Decimal | None
    discrimination: Decimal | None
    options: list[OptionCount] = field(default_factory=list)

    @property
    def qtype_label(self) -> str:
        return QuestionType(self.qtype).label


def analysed_attempts(*, exam, attempts=None) -> list[Attempt]:
    """The latest final attempt of each cadre, best grade first."""
    attempts = attempts if attempts is not None else Attempt.objects.all()
    final = (
        attempts.filter(exam=exam, result__is_final=True)
        .select_related("result")
        .order_by("cadre_id", "-number")
    )
    latest = {}
    for attempt in final:
        latest.setdefault(attempt.cadre_id, attempt)
    return sorted(latest.values(), key=lambda a: (-a.result.grade, a.pk))


def _mean(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values, Decimal("0")) / len(values)).quantize(Decimal("0.001"))


def _options(snapshot: dict, responses: list, choices: list) -> list[OptionCount]:
    """``choices``: the question's current options (QuestionChoice), in order."""
    qtype = snapshot["qtype"]
    if qtype == "true_false":
        counts = Counter(responses)
        key = snapshot.get("correct_bool")
        true, false = (
            pgettext("true/false answer", "True"),
            pgettext("true/false answer", "False"),
        )
        return [
            OptionCount(true, true, counts[True], key is True),
            OptionCount(false, false, counts[False], key is False),
            OptionCount("—", "", counts[None], False),
        ]
    if qtype not in {"single_choice", "multiple_choice"}:
        return []
    counts = Counter()
    for response in responses:
        for choice_id in response if isinstance(response, list) else [response]:
            counts[choice_id] += 1
    rows = [
        OptionCount(chr(ord("A") + i), c.text, counts[c.pk], c.fraction > 0)
        for i, c in enumerate(choices)
    ]
    blank = sum(1 for r in responses if r in (None, []))
    return rows + [OptionCount("—", "", blank, False)]


def exam_item_analysis(*, exam, attempts=None) -> list[ItemStats]:
    ranked = analysed_attempts(exam=exam, attempts=attempts)
    n = len(ranked)
    k = int((GROUP_SHARE * n).to_integral_value()) if n else 0
    k = max(k, 1) if n >= 2 else 0
    upper = {a.pk for a in ranked[:k]}
    lower = {a.pk for a in ranked[n - k :]} if k else set()
    rows = PaperItem.objects.filter(attempt_id__in=[a.pk for a in ranked]).values_list(
        "attempt_id", "question_id", "fraction", "response", "snapshot"
    )
    by_question: dict[int, list] = {}
    for attempt_id, question_id, fraction, response, snapshot in rows:
        by_question.setdefault(question_id, []).append(
            (attempt_id, fraction, response, snapshot)
        )
    # Every analysed question's options in one query, not one per question.
    choices: dict[int, list] = {}
    for choice in QuestionChoice.objects.filter(question_id__in=by_question):
        choices.setdefault(choice.question_id, []).append(choice)
    stats = []
    for question_id, entries in sorted(by_question.items()):
        snapshot = entries[0][3]
        fractions = [f for _a, f, _r, _s in entries if f is not None]
        top = [f for a, f, _r, _s in entries if a in upper and f is not None]
        bottom = [f for a, f, _r, _s in entries if a in lower and f is not None]
        p_upper, p_lower = _mean(top), _mean(bottom)
        stats.append(
            ItemStats(
                question_id=question_id,
                stem=snapshot["stem"],
                qtype=snapshot["qtype"],
                answered_by=len(entries),
                difficulty=_mean(fractions),
                discrimination=(
                    None if p_upper is None or p_lower is None else p_upper - p_lower
                ),
                options=_options(
                    snapshot,
                    [r for _a, _f, r, _s in entries],
                    choices.get(question_id, []),
                ),
            )
        )
    return stats


def score_distribution(*, exam, attempts=None) -> dict:
    """Counts of candidates per 10-point band of percentage, plus summary."""
    ranked = analysed_attempts(exam=exam, attempts=attempts)
    bands = [0] * 10
    percentages = []
    for attempt in ranked:
        result = attempt.result
        pct = float(result.grade / result.max_grade * 100) if result.max_grade else 0.0
        percentages.append(pct)
        bands[min(int(pct // 10), 9)] += 1
    count = len(ranked)
    passed = sum(1 for a in ranked if a.result.passed)
    ordered = sorted(percentages)
    median = None
    if ordered:
        middle = count // 2
        median = (
            ordered[middle]
            if count % 2
            else (ordered[middle - 1] + ordered[middle]) / 2
        )
    labels = [f"{i * 10}–{i * 10 + 9}" if i < 9 else "90–100" for i in range(10)]
    return {
        "labels": labels,
        "bands": bands,
        "pairs": list(zip(labels, bands, strict=True)),
        "max_band": max(bands),
        "count": count,
        "passed": passed,
        "pass_rate": round(passed / count * 100, 1) if count else None,
        "mean": round(sum(percentages) / count, 1) if count else None,
        "median": round(median, 1) if median is not None else None,
    }
