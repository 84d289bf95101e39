"""Question bank import and export services, on top of assessments.importers.

Imports are all-or-nothing: any problem in the file (reported by the
parser or by our own checks) and nothing is written.
"""

import io
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from . import importers
from .choices import QuestionType
from .errors import ImportRejected
from .models import KnowledgePoint, Question, QuestionBank, QuestionChoice

MAX_CHOICE_TEXT = QuestionChoice._meta.get_field("text").max_length
MAX_KP_NAME = KnowledgePoint._meta.get_field("name").max_length
FRACTION_PLACES = QuestionChoice._meta.get_field("fraction").decimal_places
FRACTION_STEP = Decimal(10) ** -FRACTION_PLACES


def questions_parse(*, filename: str, data: bytes):
    """Parse an uploaded file by its extension: .xlsx, or GIFT (.gift/.txt)."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        return importers.xlsx_parse(io.BytesIO(data))
    if name.endswith((".gift", ".txt")):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            problem = importers.ImportProblem(
                0, "file", _("The GIFT file must be saved as UTF-8 text.")
            )
            return [], [problem]
        return importers.gift_parse(text)
    problem = importers.ImportProblem(
        0, "file", _("Upload an .xlsx file or a GIFT text file (.gift or .txt).")
    )
    return [], [problem]


def _extra_problems(questions) -> list:
    """Limits of our tables that a parser does not know about."""
    problems = []
    for q in questions:
        for choice in q.choices:
            if len(choice.text) > MAX_CHOICE_TEXT:
                problems.append(
                    importers.ImportProblem(
                        q.location,
                        "choices",
                        _("An option is longer than %(n)s characters.")
                        % {"n": MAX_CHOICE_TEXT},
                    )
                )
        for name in q.knowledge_points:
            if len(name) > MAX_KP_NAME:
                problems.append(
                    importers.ImportProblem(
                        q.location,
                        "knowledge_points",
                        _("Knowledge point “%(name)s” is longer than %(n)s characters.")
                        % {"name": name[:20], "n": MAX_KP_NAME},
                    )
                )
    return problems


def questions_import(*, bank: QuestionBank, filename: str, data: bytes) -> int:
    """Import every question of a file into a bank, or none of them.

    Returns:
        the number of questions created.
    Raises:
        ImportRejected: with every problem found (location, field, message).
    """
    questions, problems = questions_parse(filename=filename, data=data)
    problems = list(problems) + _extra_problems(questions)
    if not problems and not questions:
        problems.append(
            importers.ImportProblem(0, "file", _("The file contains no questions."))
        )
    if problems:
        raise ImportRejected(problems)
    with transaction.atomic():
        for parsed in questions:
            _question_create(bank=bank, parsed=parsed)
    return len(questions)


def _question_create(*, bank: QuestionBank, parsed) -> Question:
    question = Question.objects.create(
        bank=bank,
        qtype=parsed.qtype,
        name=parsed.name[:120],
        stem=parsed.stem,
        difficulty=parsed.difficulty or 3,
        points=parsed.points or Decimal("1"),
        explanation=parsed.explanation,
        correct_bool=parsed.correct_bool,
        accepted_answers=list(parsed.accepted_answers),
        numeric_tolerance=parsed.numeric_tolerance,
        reference_answer=parsed.reference_answer,
    )
    QuestionChoice.objects.bulk_create(
        QuestionChoice(
            question=question,
            sort_order=i,
            text=c.text,
            # Weights such as 33.33333% or an xlsx share of 1/3 carry more
            # places than the column; store them rounded, as the form would.
            fraction=c.fraction.quantize(FRACTION_STEP),
            feedback=c.feedback[:500],
        )
        for i, c in enumerate(parsed.choices)
    )
    if parsed.knowledge_points:
        points = [
            KnowledgePoint.objects.get_or_create(name=name.strip())[0]
            for name in parsed.knowledge_points
            if name.strip()
        ]
        question.knowledge_points.set(points)
    return question


def question_as_parsed(question: Question, *, location: int = 0):
    return importers.ParsedQuestion(
        location=location,
        qtype=question.qtype,
        stem=question.stem,
        name=question.name,
        choices=[
            importers.ParsedChoice(
                text=c.text, fraction=c.fraction, feedback=c.feedback
            )
            for c in question.choices.all()
        ],
        correct_bool=(
            question.correct_bool if question.qtype == QuestionType.TRUE_FALSE else None
        ),
        accepted_answers=list(question.accepted_answers or []),
        numeric_tolerance=question.numeric_tolerance,
        reference_answer=question.reference_answer,
        explanation=question.explanation,
        difficulty=question.difficulty,
        points=question.points,
        knowledge_points=[kp.name for kp in question.knowledge_points.all()],
    )


def questions_export(*, questions) -> bytes:
    """An .xlsx in the import template's layout (re-importable)."""
    questions = questions.prefetch_related("choices", "knowledge_points")
    rows = [question_as_parsed(q, location=i) for i, q in enumerate(questions, start=2)]
    return importers.xlsx_export(rows)
