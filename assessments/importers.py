"""Question file formats: GIFT text and the xlsx question sheet.

Pure functions, no database: they turn a file into ``ParsedQuestion`` rows
plus a list of ``ImportProblem`` (where, which field, what is wrong and how to
fix it). Number limits (points, difficulty, margin of error, weights) are read
from the model fields' definitions, so a file can never hold a number the
tables cannot (an oversized value stored in SQLite breaks every page that
reads it back). The caller decides what to store; imports are
all-or-nothing, so a caller refuses the whole file when any problem is
reported.

GIFT follows Moodle's format (question/format/gift). Our bank has five
question types, so:

* ``{=right ~wrong}`` becomes ``single_choice``; answers carrying only
  ``~`` with percentage weights (``{~%50%a ~%50%b ~%-100%c}``) become
  ``multiple_choice`` whose positive weights must add up to 100%.
* ``{T}`` / ``{FALSE}`` become ``true_false``.
* ``{=a =b}`` (short answer) and ``{#...}`` (numerical) become
  ``fill_blank``; only full-credit answers are kept, partial-credit ones are
  dropped without a problem. A numerical range ``min..max`` becomes its
  midpoint with the half-width as tolerance.
* ``{}`` (essay) becomes ``short_answer``.
* Matching ``{=a -> 1 =b -> 2}`` becomes one ``single_choice`` question per
  pair: stem "<stem>：<left>", options all right-hand items.
* ``$CATEGORY: a/b/c`` sets the knowledge point ``c`` for the questions that
  follow it.
* Per-answer feedback is kept on choices; question types without choices keep
  it in ``explanation`` when there is no general feedback (``####``).
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from .numbers import number_text

QUESTION_TYPES = (
    "single_choice",
    "multiple_choice",
    "true_false",
    "fill_blank",
    "short_answer",
)
BLANK = "____"


@dataclass
class ParsedChoice:
    text: str
    fraction: Decimal  # -1..1; 1 = fully correct
    feedback: str = ""


@dataclass
class ParsedQuestion:
    location: int  # xlsx row (header = row 1) or GIFT line (1-based, first line)
    qtype: str  # one of QUESTION_TYPES
    stem: str
    name: str = ""
    choices: list[ParsedChoice] = field(default_factory=list)
    correct_bool: bool | None = None  # true_false
    accepted_answers: list[str] = field(default_factory=list)  # fill_blank
    numeric_tolerance: Decimal | None = None  # fill_blank from GIFT numerical
    reference_answer: str = ""  # short_answer
    explanation: str = ""
    difficulty: int | None = None
    points: Decimal | None = None
    knowledge_points: list[str] = field(default_factory=list)


@dataclass
class ImportProblem:
    location: int
    field: str
    message: str

    @property
    def field_label(self) -> str:
        """The field as the page names it: GIFT's parts by name, xlsx
        problems by their column header (already the user's word)."""
        label = _GIFT_FIELDS.get(self.field)
        return str(label) if label is not None else self.field


# GIFT problems name the part of the question that is wrong.
_GIFT_FIELDS = {
    "answers": gettext_lazy("Answer block"),
    "name": gettext_lazy("Question name"),
    "stem": gettext_lazy("Question text"),
    "file": gettext_lazy("File"),
}


class _Invalid(Exception):
    """One problem that stops parsing the current GIFT question."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name
        self.message = message


# What a number problem calls the number (short words: with a context).
_THE_NUMBER = pgettext_lazy("number in an import", "The number")
_THE_MARGIN = pgettext_lazy("number in an import", "The margin of error")
_THE_ANSWER = pgettext_lazy("number in an import", "The answer")
_POINTS = pgettext_lazy("number in an import", "Points")


def _decimal_or_none(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


# --------------------------------------------------------------------------
# Number limits
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class NumberLimit:
    """The numbers a field holds: at most ``places`` decimal places (0 for
    whole numbers), from ``low`` to ``high`` inclusive."""

    places: int
    low: Decimal
    high: Decimal


# Numeric fill-in answers are kept as text, so no table limits them; these
# bounds keep them to numbers a person writes (an exponent such as 1e999999
# would otherwise be spelt out as a million digits).
NUMERIC_ANSWER_LIMIT = NumberLimit(10, Decimal(-(10**15)), Decimal(10**15))


def field_limit(model_field) -> NumberLimit:
    """The limit of a model's DecimalField or IntegerField: its digits and
    decimal places, narrowed by its Min/MaxValueValidators (including the
    database's integer range)."""
    places = getattr(model_field, "decimal_places", None) or 0
    digits = getattr(model_field, "max_digits", None)
    high = (
        Decimal(10) ** (digits - places) - Decimal(10) ** -places
        if digits
        else Decimal("Infinity")
    )
    low = -high
    for validator in model_field.validators:
        if isinstance(validator, MinValueValidator):
            low = max(low, Decimal(validator.limit_value))
        elif isinstance(validator, MaxValueValidator):
            high = min(high, Decimal(validator.limit_value))
    return NumberLimit(places, low, high)


@functools.cache
def number_limits() -> dict[str, NumberLimit]:
    """Limits by ParsedQuestion attribute, read from the models once."""
    from .models import Question, QuestionChoice

    return {
        "points": field_limit(Question._meta.get_field("points")),
        "difficulty": field_limit(Question._meta.get_field("difficulty")),
        "tolerance": field_limit(Question._meta.get_field("numeric_tolerance")),
        "fraction": field_limit(QuestionChoice._meta.get_field("fraction")),
        "answer": NUMERIC_ANSWER_LIMIT,
    }


def number_problem(what: str, text: str, value: Decimal, limit: NumberLimit):
    """Why ``value`` (written as ``text``) does not fit ``limit``, or None.

    ``what`` names the number for the message ("Points", "The margin of
    error"); the caller reports the location and field.
    """
    # The range first: it compares exactly, while normalize() and quantize()
    # would overflow the decimal context on an exponent such as 1e999999.
    if not limit.low <= value <= limit.high:
        return _(
            "%(what)s “%(value)s” is out of range: write a number from %(low)s "
            "to %(high)s."
        ) % {
            "what": what,
            "value": text,
            "low": number_text(limit.low),
            "high": number_text(limit.high),
        }
    places = max(0, -value.normalize().as_tuple().exponent)
    if limit.places == 0 and places:
        return _("%(what)s “%(value)s” must be a whole number.") % {
            "what": what,
            "value": text,
        }
    if places > limit.places:
        return _(
            "%(what)s “%(value)s” has too many decimal places: write at most "
            "%(places)s."
        ) % {"what": what, "value": text, "places": limit.places}
    return None


# --------------------------------------------------------------------------
# GIFT
# --------------------------------------------------------------------------

# Escaped control characters are swapped for private-use code points while
# parsing, then swapped back in every piece of text we keep.
_PLACEHOLDERS = {
    ":": "\ue000",
    "#": "\ue001",
    "=": "\ue002",
    "{": "\ue003",
    "}": "\ue004",
    "~": "\ue005",
    "\\": "\ue006",
}
_RESTORE = str.maketrans({v: k for k, v in _PLACEHOLDERS.items()})
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_FORMAT_PREFIX = re.compile(r"^\s*\[(?:html|moodle|plain|markdown)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"^%\s*(-?\d+(?:\.\d+)?)\s*%")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


def _escape(text: str) -> str:
    def swap(match: re.Match) -> str:
        char = match.group(1)
        if char == "n":
            return "\n"
        return _PLACEHOLDERS.get(char, match.group(0))

    return _ESCAPE.sub(swap, text)


def _clean(text: str) -> str:
    """Drop a [format] prefix, restore escaped characters, trim."""
    return _FORMAT_PREFIX.sub("", text, count=1).translate(_RESTORE).strip()


def _gift_blocks(text: str):
    """Yield (first_line_number, [(line_number, line), ...]) per question.

    Blank lines separate questions; ``//`` comment lines are dropped but do
    not end a question.
    """
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    block: list[tuple[int, str]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            if block:
                yield block
            block = []
        elif not stripped.startswith("//"):
            block.append((number, line))
    if block:
        yield block


def gift_parse(text: str) -> tuple[list[ParsedQuestion], list[ImportProblem]]:
    """Parse a GIFT file.

    Args:
        text: the whole file, already decoded (a BOM and CRLF are fine).

    Returns:
        The questions in file order and the problems, each with the line
        number where its question starts.
    """
    questions: list[ParsedQuestion] = []
    problems: list[ImportProblem] = []
    knowledge_points: list[str] = []
    for block in _gift_blocks(text):
        if block[0][1].strip().startswith("$CATEGORY:"):
            knowledge_points = _category_points(block[0][1])
            block = block[1:]
            if not block:
                continue
        location = block[0][0]
        try:
            parsed = _gift_question(block, location)
        except _Invalid as error:
            problems.append(ImportProblem(location, error.field, error.message))
            continue
        for question in parsed:
            question.knowledge_points = list(knowledge_points)
        questions.extend(parsed)
    return questions, problems


def _category_points(line: str) -> list[str]:
    path = line.strip()[len("$CATEGORY:") :].strip()
    segments = [segment.strip() for segment in path.split("/") if segment.strip()]
    return segments[-1:] if segments else []


def _take_name(text: str) -> tuple[str, str]:
    if not text.startswith("::"):
        return "", text
    end = text.find("::", 2)
    if end == -1:
        raise _Invalid(
            "name",
            _(
                "The question name starts with “::” but is never closed: write "
                "::name:: before the question text, or escape the colon as \\:."
            ),
        )
    return _clean(text[2:end]), text[end + 2 :].strip()


def _split_answer_block(text: str) -> tuple[str, str]:
    """Return (stem, answer text) with "____" where a mid-text block was."""
    opens, closes = text.count("{"), text.count("}")
    if opens == 0 and closes == 0:
        raise _Invalid(
            "answers",
            _(
                "No answer block was found: put the answers in braces after the "
                "question text, for example {=right ~wrong}."
            ),
        )
    start, end = text.find("{"), text.find("}")
    if opens != closes or end < start:
        raise _Invalid(
            "answers",
            _(
                "Unbalanced braces: every “{” needs a matching “}”. Write a "
                "literal brace as \\{ or \\}."
            ),
        )
    if opens > 1:
        raise _Invalid(
            "answers",
            _(
                "A question may have only one answer block { }: split it into "
                "separate questions or escape literal braces as \\{ and \\}."
            ),
        )
    before, after = text[:start], text[end + 1 :]
    stem = before + (BLANK + after if after.strip() else "")
    return stem, text[start + 1 : end].strip()


def _gift_question(block: list[tuple[int, str]], location: int) -> list[ParsedQuestion]:
    text = _escape("\n".join(line for _number, line in block)).strip()
    name, text = _take_name(text)
    raw_stem, answer = _split_answer_block(text)
    stem = _clean(raw_stem)
    if not stem:
        raise _Invalid(
            "stem",
            _("The question text is empty: write the question before the { } block."),
        )
    explanation = ""
    general = answer.rfind("####")
    if general != -1:
        explanation = _clean(answer[general + 4 :])
        answer = answer[:general].strip()
    question = ParsedQuestion(
        location=location, qtype="", stem=stem, name=name, explanation=explanation
    )
    return _fill_by_kind(question, answer)


def _fill_by_kind(question: ParsedQuestion, answer: str) -> list[ParsedQuestion]:
    if answer == "":
        question.qtype = "short_answer"
        return [question]
    if answer.startswith("#"):
        return [_numerical(question, answer[1:])]
    if "~" in answer:
        return [_choice(question, answer)]
    if "=" in answer and "->" in answer:
        return _matching(question, answer)
    if answer.split("#", 1)[0].strip().upper() in _TRUE_FALSE:
        return [_true_false(question, answer)]
    return [_short_answer(question, answer)]


def _split_marked(answer: str, markers: str) -> list[tuple[str, str]]:
    """Split "=a ~b" into [("=", "a"), ("~", "b")]; text before a marker is bad."""
    pieces = re.split(f"([{re.escape(markers)}])", answer)
    if pieces[0].strip():
        raise _Invalid(
            "answers",
            _(
                "Unknown answer syntax near “%(text)s”: each answer must start "
                "with = (correct) or ~ (wrong); escape a literal = or ~ as \\= "
                "or \\~."
            )
            % {"text": _clean(pieces[0])[:40]},
        )
    return list(zip(pieces[1::2], pieces[2::2], strict=True))


def _take_weight(body: str) -> tuple[Decimal | None, str]:
    body = body.strip()
    if not body.startswith("%"):
        return None, body
    match = _WEIGHT.match(body)
    if match is None:
        raise _Invalid(
            "answers",
            _(
                "The answer weight in “%(text)s” is not a number: write it as "
                "%%50%% or %%-100%% right after = or ~."
            )
            % {"text": _clean(body)[:40]},
        )
    percent = Decimal(match.group(1))
    if abs(percent) > 100:
        raise _Invalid(
            "answers",
            _("The answer weight %(weight)s%% is outside -100%% to 100%%.")
            % {"weight": number_text(percent)},
        )
    return percent / 100, body[match.end() :]


def _text_and_feedback(body: str) -> tuple[str, str]:
    text, _sep, feedback = body.partition("#")
    text = _clean(text)
    if not text:
        raise _Invalid(
            "answers",
            _("An answer is empty: write its text after the = or ~ sign."),
        )
    return text, _clean(feedback)


def _choice(question: ParsedQuestion, answer: str) -> ParsedQuestion:
    items = _split_marked(answer, "=~")
    for marker, body in items:
        weight, body = _take_weight(body)
        if marker == "=":
            weight = Decimal(1) if weight is None else weight
        text, feedback = _text_and_feedback(body)
        question.choices.append(ParsedChoice(text, weight or Decimal(0), feedback))
    if len(question.choices) < 2:
        raise _Invalid(
            "answers",
            _("A choice question needs at least two answers: add a ~wrong answer."),
        )
    single = any(marker == "=" for marker, _body in items)
    question.qtype = "single_choice" if single else "multiple_choice"
    _check_choice_fractions(question)
    return question


def _check_choice_fractions(question: ParsedQuestion) -> None:
    fractions = [choice.fraction for choice in question.choices]
    if not any(fraction > 0 for fraction in fractions):
        raise _Invalid(
            "answers",
            _(
                "No correct answer: mark the right answer with = or give the "
                "correct answers positive weights such as ~%50%."
            ),
        )
    if question.qtype == "single_choice":
        if sum(1 for fraction in fractions if fraction == 1) > 1:
            raise _Invalid(
                "answers",
                _(
                    "More than one answer is marked with =: a single-choice "
                    "question has one right answer. For several right answers "
                    "use weights such as ~%50%."
                ),
            )
        return
    total = sum(fraction for fraction in fractions if fraction > 0) * 100
    if abs(total - 100) > Decimal("0.01"):
        raise _Invalid(
            "answers",
            _(
                "The weights of the correct answers add up to %(total)s%%; they "
                "must add up to 100%%."
            )
            % {"total": number_text(total)},
        )


def _matching(question: ParsedQuestion, answer: str) -> list[ParsedQuestion]:
    pairs: list[tuple[str, str]] = []
    for _marker, body in _split_marked(answer, "="):
        if "->" not in body:
            raise _Invalid(
                "answers",
                _(
                    "The matching pair “%(text)s” has no “->”: write each pair as "
                    "=left -> right."
                )
                % {"text": _clean(body)[:40]},
            )
        left, right = body.split("->", 1)
        if not _clean(right):
            raise _Invalid(
                "answers",
                _("A matching pair has nothing after “->”: write its right item."),
            )
        pairs.append((_clean(left), _clean(right)))
    options = list(dict.fromkeys(right for _left, right in pairs))
    if len(options) < 2:
        raise _Invalid(
            "answers",
            _("A matching question needs at least two different right-hand items."),
        )
    converted = []
    for number, (left, right) in enumerate((p for p in pairs if p[0]), start=1):
        converted.append(
            ParsedQuestion(
                location=question.location,
                qtype="single_choice",
                stem=f"{question.stem}：{left}",
                name=f"{question.name} ({number})" if question.name else "",
                choices=[
                    ParsedChoice(option, Decimal(1 if option == right else 0))
                    for option in options
                ],
                explanation=question.explanation,
            )
        )
    return converted


def _true_false(question: ParsedQuestion, answer: str) -> ParsedQuestion:
    value, *feedback = answer.split("#", 2)
    question.qtype = "true_false"
    question.correct_bool = _TRUE_FALSE[value.strip().upper()]
    _feedback_as_explanation(question, [_clean(text) for text in feedback])
    return question


def _feedback_as_explanation(question: ParsedQuestion, feedback: list[str]) -> None:
    if not question.explanation:
        question.explanation = "\n".join(text for text in feedback if text)


def _short_answer(question: ParsedQuestion, answer: str) -> ParsedQuestion:
    feedback = []
    for _marker, body in _split_marked(answer, "="):
        weight, body = _take_weight(body)
        text, comment = _text_and_feedback(body)
        if weight is None or weight == 1:
            question.accepted_answers.append(text)
            feedback.append(comment)
    if not question.accepted_answers:
        raise _Invalid(
            "answers",
            _("No full-credit answer: write at least one answer as =answer."),
        )
    question.qtype = "fill_blank"
    _feedback_as_explanation(question, feedback)
    return question


def _numerical(question: ParsedQuestion, answer: str) -> ParsedQuestion:
    answer = answer.split("~", 1)[0]  # "~#feedback" for any other number
    bodies = answer.split("=")
    if not bodies[0].strip():
        bodies = bodies[1:]
    kept: list[tuple[Decimal, Decimal, str]] = []
    for body in bodies:
        weight, body = _take_weight(body)
        value_text, _sep, comment = body.partition("#")
        value, tolerance = _numeric_value(_clean(value_text))
        if weight is None or weight == 1:
            kept.append((value, tolerance, _clean(comment)))
    if not kept:
        raise _Invalid(
            "answers",
            _("No full-credit number: write at least one answer such as {#3.14:0.01}."),
        )
    if len({tolerance for _value, tolerance, _c in kept}) > 1:
        raise _Invalid(
            "answers",
            _(
                "The full-credit numbers have different margins of error; a "
                "fill-in-the-blank question has one margin: use the same one."
            ),
        )
    question.qtype = "fill_blank"
    question.accepted_answers = [number_text(value) for value, _t, _c in kept]
    question.numeric_tolerance = kept[0][1]
    _feedback_as_explanation(question, [comment for _v, _t, comment in kept])
    return question


def _numeric_value(text: str) -> tuple[Decimal, Decimal]:
    """Turn "3.14:0.01", "1..5" or "42" into (value, tolerance)."""
    if ".." in text:
        low_text, high_text = text.split("..", 1)
        low = _gift_number(low_text, "answer", _THE_NUMBER)
        high = _gift_number(high_text, "answer", _THE_NUMBER)
        if low > high:
            raise _Invalid(
                "answers",
                _("The range %(range)s runs backwards: write the smaller number first.")
                % {"range": text},
            )
        tolerance = (high - low) / 2
        _gift_check(text, tolerance, "tolerance", _THE_MARGIN)
        return (low + high) / 2, tolerance
    value_text, _sep, tolerance_text = text.partition(":")
    tolerance = (
        _gift_number(tolerance_text, "tolerance", _THE_MARGIN)
        if tolerance_text.strip()
        else Decimal(0)
    )
    if tolerance < 0:
        raise _Invalid(
            "answers",
            _("The margin of error %(value)s is negative: write a positive number.")
            % {"value": tolerance_text.strip()},
        )
    return _gift_number(value_text, "answer", _THE_NUMBER), tolerance


def _gift_number(text: str, limit: str, what: str) -> Decimal:
    """A number of a numerical answer that fits ``number_limits()[limit]``."""
    value = _decimal_or_none(text)
    if value is None:
        raise _Invalid(
            "answers",
            _(
                "“%(text)s” is not a number: numerical answers look like "
                "{#3.14:0.01} or {#1..5}."
            )
            % {"text": text.strip()},
        )
    if not (limit == "tolerance" and value < 0):  # reported as negative instead
        _gift_check(text.strip(), value, limit, what)
    return value


def _gift_check(text: str, value: Decimal, limit: str, what: str) -> None:
    problem = number_problem(what, text, value, number_limits()[limit])
    if problem is not None:
        raise _Invalid("answers", problem)


# --------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------

# key, Chinese header (what we write), accepted English headers.
_COLUMNS = (
    ("qtype", "题型", ("type", "question_type", "qtype")),
    ("stem", "题干", ("stem", "question")),
    ("answer", "答案", ("answer", "answers", "correct_answer")),
    ("weights", "选项权重", ("weights", "option_weights")),
    ("reference_answer", "参考答案", ("reference_answer", "reference")),
    ("points", "分值", ("points", "score")),
    ("difficulty", "难度", ("difficulty",)),
    ("knowledge_points", "知识点", ("knowledge_points", "knowledge_point")),
    ("explanation", "解析", ("explanation", "analysis")),
    ("name", "名称", ("name",)),
    ("tolerance", "误差", ("tolerance", "numeric_tolerance")),
)
_HEADER_KEYS = {
    alias: key for key, chinese, english in _COLUMNS for alias in (chinese, *english)
}
_OPTION_HEADER = re.compile(r"^(?:选项|option_?)([a-z])$")
_TEMPLATE_OPTIONS = "ABCDEFGH"
_TYPE_LABELS = {
    "single_choice": "单选",
    "multiple_choice": "多选",
    "true_false": "判断",
    "fill_blank": "填空",
    "short_answer": "简答",
}
_TYPE_ALIASES = {
    **{label: code for code, label in _TYPE_LABELS.items()},
    **{label + "题": code for code, label in _TYPE_LABELS.items()},
    **{code: code for code in QUESTION_TYPES},
    "单项选择": "single_choice",
    "单项选择题": "single_choice",
    "多项选择": "multiple_choice",
    "多项选择题": "multiple_choice",
    "是非": "true_false",
    "是非题": "true_false",
    "single": "single_choice",
    "multiple": "multiple_choice",
    "true/false": "true_false",
    "judge": "true_false",
    "blank": "fill_blank",
    "fill": "fill_blank",
    "short": "short_answer",
    "essay": "short_answer",
}
_TRUE_WORDS = {"正确", "对", "√", "✓", "✔", "是", "t", "true", "yes", "y"}
_FALSE_WORDS = {"错误", "错", "×", "✗", "✘", "否", "f", "false", "no", "n"}
_LIST_SEPARATORS = re.compile(r"[，,；;、]")
_BLANK_SEPARATORS = re.compile(r"[|｜；;]")
_LETTER_SEPARATORS = re.compile(r"[\s,，、;；]")
_WEIGHT_SEPARATORS = re.compile(r"[\s,，、;；|｜]+")
_LETTER_WEIGHT = re.compile(r"^([A-Za-z]):([^%％]*)[%％]?$")


def _header_key(header: str) -> str | None:
    normal = re.sub(r"[\s\-]+", "_", str(header).strip().lower())
    option = _OPTION_HEADER.match(normal)
    if option:
        return "option_" + option.group(1).upper()
    return _HEADER_KEYS.get(normal)


@dataclass
class _Row:
    """One sheet row: values by key, plus the header each key came from."""

    number: int
    values: dict[str, str]
    headers: dict[str, str]
    problems: list[ImportProblem] = field(default_factory=list)

    def get(self, key: str) -> str:
        return self.values.get(key, "").strip()

    def report(self, key: str, message: str) -> None:
        header = self.headers.get(key, _header_for(key))
        self.problems.append(ImportProblem(self.number, header, message))


def _header_for(key: str) -> str:
    if key.startswith("option_"):
        return "选项" + key[-1]
    return next(chinese for k, chinese, _english in _COLUMNS if k == key)


def xlsx_parse(fileobj) -> tuple[list[ParsedQuestion], list[ImportProblem]]:
    """Parse the first sheet of a question workbook.

    Args:
        fileobj: a binary file object (or path) holding an .xlsx workbook.

    Returns:
        The questions of rows without problems, and one problem per bad cell
        with Excel's row number (the header is row 1) and the column header.
    """
    import pandas as pd

    try:
        frame = pd.read_excel(
            fileobj, sheet_name=0, dtype=str, keep_default_na=False, engine="openpyxl"
        )
    except Exception:  # noqa: BLE001 - any unreadable upload gets one clear message
        return [], [
            ImportProblem(
                0,
                "",
                _(
                    "The file could not be read as an Excel workbook (.xlsx): "
                    "save it as .xlsx from Excel or WPS and upload it again."
                ),
            )
        ]
    keys = {str(header): _header_key(header) for header in frame.columns}
    missing = _missing_columns(set(keys.values()))
    if missing:
        return [], missing
    questions, problems = [], []
    for index, record in enumerate(frame.to_dict("records")):
        row = _Row(
            number=index + 2,
            values={keys[str(h)]: str(v) for h, v in record.items() if keys[str(h)]},
            headers={key: header for header, key in keys.items() if key},
        )
        if not any(value.strip() for value in row.values.values()):
            continue
        question = _xlsx_row(row)
        if row.problems:
            problems.extend(row.problems)
        elif question is not None:
            questions.append(question)
    return questions, problems


def _missing_columns(present: set[str | None]) -> list[ImportProblem]:
    return [
        ImportProblem(
            1,
            _header_for(key),
            _(
                "The column “%(header)s” is missing: use the header row of the "
                "downloaded template."
            )
            % {"header": _header_for(key)},
        )
        for key in ("qtype", "stem", "answer")
        if key not in present
    ]


def _xlsx_row(row: _Row) -> ParsedQuestion | None:
    qtype = _TYPE_ALIASES.get(row.get("qtype").lower())
    if qtype is None:
        row.report(
            "qtype",
            _(
                "Unknown question type “%(value)s”: write one of 单选, 多选, "
                "判断, 填空 or 简答."
            )
            % {"value": row.get("qtype")},
        )
    stem = row.get("stem")
    if not stem:
        row.report("stem", _("The question text is missing: fill in this cell."))
    question = ParsedQuestion(
        location=row.number,
        qtype=qtype or "",
        stem=stem,
        name=row.get("name"),
        explanation=row.get("explanation"),
        difficulty=_row_difficulty(row),
        points=_row_points(row),
        knowledge_points=_split_list(row.get("knowledge_points"), _LIST_SEPARATORS),
    )
    if qtype is not None:
        _ROW_ANSWER[qtype](row, question)
    return question


def _split_list(text: str, separators: re.Pattern) -> list[str]:
    items = (item.strip() for item in separators.split(text))
    return list(dict.fromkeys(item for item in items if item))


def _row_difficulty(row: _Row) -> int | None:
    text = row.get("difficulty")
    if not text:
        return None
    value = _decimal_or_none(text)
    limit = number_limits()["difficulty"]
    if value is None or number_problem("", text, value, limit) is not None:
        row.report(
            "difficulty",
            _(
                "Difficulty “%(value)s” must be a whole number from %(low)s "
                "(easy) to %(high)s (hard)."
            )
            % {"value": text, "low": limit.low, "high": limit.high},
        )
        return None
    return int(value)


def _row_points(row: _Row) -> Decimal | None:
    text = row.get("points")
    if not text:
        return None
    value = _decimal_or_none(text)
    if value is None:
        row.report(
            "points",
            _("Points “%(value)s” must be a positive number such as 2 or 1.5.")
            % {"value": text},
        )
        return None
    return _row_number(row, "points", value, _POINTS)


def _row_number(row: _Row, key: str, value: Decimal, what: str) -> Decimal | None:
    """``value`` when it fits its table column, else None and a problem."""
    limit = number_limits()[key]
    problem = number_problem(what, row.get(key), value, limit)
    if problem is not None:
        row.report(key, problem)
        return None
    return value


def _row_options(row: _Row) -> dict[str, str]:
    """Filled option cells by letter, reporting gaps such as A, B, D."""
    letters = sorted(key[-1] for key in row.values if key.startswith("option_"))
    options = {letter: row.get("option_" + letter) for letter in letters}
    last_filled = max((letter for letter, text in options.items() if text), default="")
    for letter in letters:
        if letter < last_filled and not options[letter]:
            row.report(
                "option_" + letter,
                _(
                    "Option %(letter)s is empty while a later option is filled: "
                    "fill the options from A without gaps."
                )
                % {"letter": letter},
            )
    return {letter: text for letter, text in options.items() if text}


def _row_choices(row: _Row, question: ParsedQuestion) -> None:
    options = _row_options(row)
    if len(options) < 2:
        row.report(
            "option_B",
            _("A choice question needs at least two options: fill in 选项A and 选项B."),
        )
    text = row.get("answer")
    letters = _LETTER_SEPARATORS.sub("", text).upper()
    if not letters:
        row.report(
            "answer",
            _("The answer is missing: write the letter(s) of the right option(s)."),
        )
        return
    if not re.fullmatch(r"[A-Z]+", letters):
        row.report(
            "answer",
            _("Answer “%(value)s” must be option letters such as A or ABD.")
            % {"value": text},
        )
        return
    letters = list(dict.fromkeys(letters))
    _choices_from_letters(row, question, options, letters)
    if row.get("weights") and not row.problems:
        _weights_apply(row, question, options, letters)


def _percent_limit() -> NumberLimit:
    """Option weights as percentages: the fraction column's limit × 100."""
    fraction = number_limits()["fraction"]
    return NumberLimit(fraction.places - 2, fraction.low * 100, fraction.high * 100)


def _row_weights(row: _Row, options: dict[str, str]) -> dict[str, Decimal]:
    """The 选项权重 cell, "A:50；B:50；C:-100", as percentages by letter."""
    weights: dict[str, Decimal] = {}
    text = re.sub(r"\s*[:：=]\s*", ":", row.get("weights"))
    for entry in _WEIGHT_SEPARATORS.split(text):
        if not entry:
            continue
        match = _LETTER_WEIGHT.match(entry)
        value = _decimal_or_none(match.group(2)) if match else None
        if value is None:
            row.report(
                "weights",
                _(
                    "Option weight “%(value)s” must be a letter and a percentage, "
                    "such as A:50；B:50；C:-100."
                )
                % {"value": entry},
            )
            continue
        letter = match.group(1).upper()
        problem = number_problem(
            _("The weight of option %(letter)s") % {"letter": letter},
            match.group(2).strip(),
            value,
            _percent_limit(),
        )
        if letter not in options or letter in weights:
            problem = _(
                "Option weight “%(value)s” names option %(letter)s, which is "
                "missing or already weighted."
            ) % {"value": entry, "letter": letter}
        if problem is not None:
            row.report("weights", problem)
        weights[letter] = value
    return weights


def _weights_apply(row: _Row, question: ParsedQuestion, options, letters) -> None:
    """Per-option credit (GIFT's %50% / %-100%) instead of equal shares; the
    answer letters must still name the options that earn credit."""
    weights = _row_weights(row, options)
    if row.problems:
        return
    if question.qtype == "single_choice":
        right = [letter for letter, value in weights.items() if value == 100]
        consistent = right == letters
    else:
        right = [letter for letter in options if weights.get(letter, 0) > 0]
        total = sum((weights[letter] for letter in right), Decimal(0))
        # Each weight was rounded to the column's places: allow for that.
        slack = max(Decimal("0.01"), Decimal("0.005") * len(right))
        consistent = sorted(right) == sorted(letters) and abs(total - 100) <= slack
    if not consistent:
        row.report(
            "weights",
            _(
                "The option weights do not fit the answer “%(answer)s”: a "
                "single-choice answer has weight 100; the answers of a "
                "multiple-choice question are the options with a positive "
                "weight, and those add up to 100."
            )
            % {"answer": "".join(letters)},
        )
        return
    question.choices = [
        ParsedChoice(text, weights.get(letter, Decimal(0)) / 100)
        for letter, text in options.items()
    ]


def _choices_from_letters(row, question, options, letters) -> None:
    for letter in letters:
        if letter not in options:
            row.report(
                "answer",
                _(
                    "Answer letter %(letter)s has no option: fill in 选项%(letter)s "
                    "or correct the answer."
                )
                % {"letter": letter},
            )
    if question.qtype == "single_choice" and len(letters) > 1:
        row.report(
            "answer",
            _(
                "A single-choice question has one right answer, not “%(value)s”: "
                "use 多选 for several."
            )
            % {"value": "".join(letters)},
        )
    share = (Decimal(1) / len(letters)).quantize(Decimal("0.0000001")).normalize()
    question.choices = [
        ParsedChoice(text, share if letter in letters else Decimal(0))
        for letter, text in options.items()
    ]


def _row_true_false(row: _Row, question: ParsedQuestion) -> None:
    text = row.get("answer")
    if text.lower() in _TRUE_WORDS:
        question.correct_bool = True
    elif text.lower() in _FALSE_WORDS:
        question.correct_bool = False
    else:
        row.report(
            "answer",
            _("Answer “%(value)s” for a true/false question must be 正确 or 错误.")
            % {"value": text},
        )


def _row_fill_blank(row: _Row, question: ParsedQuestion) -> None:
    question.accepted_answers = _split_list(row.get("answer"), _BLANK_SEPARATORS)
    if not question.accepted_answers:
        row.report(
            "answer",
            _(
                "The answer is missing: write the accepted answer(s), separated "
                "by | or ；."
            ),
        )
    tolerance_text = row.get("tolerance")
    if not tolerance_text:
        return
    tolerance = _decimal_or_none(tolerance_text)
    numbers = [_decimal_or_none(answer) for answer in question.accepted_answers]
    if tolerance is None or tolerance < 0 or None in numbers:
        row.report(
            "tolerance",
            _(
                "Margin of error “%(value)s” needs a number of 0 or more and "
                "numeric answers."
            )
            % {"value": tolerance_text},
        )
        return
    for answer, number in zip(question.accepted_answers, numbers, strict=True):
        problem = number_problem(_THE_ANSWER, answer, number, number_limits()["answer"])
        if problem is not None:
            row.report("answer", problem)
    question.numeric_tolerance = _row_number(row, "tolerance", tolerance, _THE_MARGIN)


def _row_short_answer(row: _Row, question: ParsedQuestion) -> None:
    question.reference_answer = row.get("reference_answer") or row.get("answer")


_ROW_ANSWER = {
    "single_choice": _row_choices,
    "multiple_choice": _row_choices,
    "true_false": _row_true_false,
    "fill_blank": _row_fill_blank,
    "short_answer": _row_short_answer,
}


# --------------------------------------------------------------------------
# Template and export
# --------------------------------------------------------------------------

_EXPLANATIONS = (
    ("题型", "必填。单选、多选、判断、填空、简答之一。"),
    ("题干", "必填。题目正文。"),
    ("选项A…选项H", "单选、多选题必填，至少两个，从选项A起连续填写；其他题型留空。"),
    (
        "答案",
        "单选填一个字母（如 A）；多选填多个字母（如 ABD）；判断填 正确/错误"
        "（也可写 对/错、√/×）；填空填可接受的答案，多个用 | 或 ； 分隔。",
    ),
    (
        "选项权重",
        "选填。单选、多选题各选项的得分百分比，如 A:50；B:50；C:-100"
        "（选错 C 扣分）；未写的选项为 0。多选题中权重为正的选项即答案，合计 100；"
        "单选题的答案权重为 100。留空则答案选项平分分值。",
    ),
    ("参考答案", "简答题的参考答案，供阅卷参考。"),
    (
        "分值",
        "选填。0.1 到 9999.9 之间、最多一位小数的数，如 2 或 1.5；"
        "留空则用试卷的默认分值。",
    ),
    ("难度", "选填。1（易）到 5（难）的整数。"),
    ("知识点", "选填。多个知识点用 ， , 或 ； 分隔。"),
    ("解析", "选填。答案解析，交卷后显示给考生。"),
    ("名称", "选填。题目的简短名称，便于在题库中查找。"),
    (
        "误差",
        "选填。仅用于答案为数字的填空题：允许的误差（如 0.01），"
        "0 到 99999999.9999 之间、最多四位小数。",
    ),
)

_EXAMPLES = (
    ParsedQuestion(
        location=0,
        qtype="single_choice",
        stem="《中华人民共和国环境保护法》自哪一年起施行？",
        choices=[
            ParsedChoice("2014年", Decimal(0)),
            ParsedChoice("2015年", Decimal(1)),
            ParsedChoice("2016年", Decimal(0)),
            ParsedChoice("2018年", Decimal(0)),
        ],
        points=Decimal(2),
        difficulty=2,
        knowledge_points=["政策法规", "环境保护法"],
        explanation="现行环境保护法于2014年修订，2015年1月1日起施行。",
    ),
    ParsedQuestion(
        location=0,
        qtype="multiple_choice",
        stem="下列属于“三线一单”内容的有？",
        choices=[
            ParsedChoice("生态保护红线", Decimal("0.3333333")),
            ParsedChoice("环境质量底线", Decimal("0.3333333")),
            ParsedChoice("资源利用上线", Decimal("0.3333333")),
            ParsedChoice("排污许可清单", Decimal(0)),
        ],
        points=Decimal(3),
        difficulty=3,
        knowledge_points=["环境影响评价"],
    ),
    ParsedQuestion(
        location=0,
        qtype="true_false",
        stem="环境监测数据弄虚作假的，应依法追究相关人员责任。",
        correct_bool=True,
        points=Decimal(1),
        difficulty=1,
        knowledge_points=["生态环境监测"],
    ),
    ParsedQuestion(
        location=0,
        qtype="fill_blank",
        stem="突发环境事件按严重程度分为____个级别。",
        accepted_answers=["四", "4"],
        points=Decimal(2),
        difficulty=2,
        knowledge_points=["环境应急"],
    ),
    ParsedQuestion(
        location=0,
        qtype="short_answer",
        stem="简述现场执法检查的主要程序。",
        reference_answer="出示执法证件、说明来意；现场检查并制作笔录；调查取证；告知权利义务。",
        points=Decimal(10),
        difficulty=4,
        knowledge_points=["生态环境执法"],
    ),
)


def xlsx_template() -> bytes:
    """A blank question sheet with one example row per type and a 说明 sheet."""
    workbook = _workbook(list(_EXAMPLES))
    notes = workbook.create_sheet("说明")
    notes.append(["列", "说明"])
    for row in _EXPLANATIONS:
        notes.append(list(row))
    _format_header(notes, {"A": 14, "B": 90})
    return _save(workbook)


def xlsx_export(rows: list[ParsedQuestion]) -> bytes:
    """Questions as a sheet that xlsx_parse reads back unchanged."""
    return _save(_workbook(rows))


def _export_headers(rows: list[ParsedQuestion]) -> list[str]:
    most = max((len(row.choices) for row in rows), default=0)
    letters = [chr(ord("A") + i) for i in range(max(most, len(_TEMPLATE_OPTIONS)))]
    if len(letters) > 26:
        raise ValueError("an xlsx question sheet holds at most 26 options")
    return ["题型", "题干", *("选项" + letter for letter in letters)] + [
        chinese for key, chinese, _e in _COLUMNS if key not in ("qtype", "stem")
    ]


def _workbook(rows: list[ParsedQuestion]):
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    headers = _export_headers(rows)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "题目"
    sheet.append(headers)
    for row in rows:
        values = _export_values(row)
        sheet.append([values.get(header, "") for header in headers])
    widths = dict.fromkeys(headers, 12) | {"题干": 48, "参考答案": 36, "解析": 36}
    _format_header(sheet, {_column_letter(i): widths[h] for i, h in enumerate(headers)})
    types = DataValidation(type="list", formula1='"单选,多选,判断,填空,简答"')
    types.add("A2:A2000")
    sheet.add_data_validation(types)
    return workbook


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _format_header(sheet, widths: dict[str, int]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(vertical="center")
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


def _export_values(row: ParsedQuestion) -> dict[str, str | int | float]:
    values: dict[str, str | int | float] = {
        "题型": _TYPE_LABELS.get(row.qtype, row.qtype),
        "题干": row.stem,
        "答案": _export_answer(row),
        "选项权重": _export_weights(row),
        "参考答案": row.reference_answer,
        "知识点": "，".join(row.knowledge_points),
        "解析": row.explanation,
        "名称": row.name,
    }
    for index, choice in enumerate(row.choices):
        values["选项" + chr(ord("A") + index)] = choice.text
    if row.points is not None:
        values["分值"] = _cell_number(row.points)
    if row.difficulty is not None:
        values["难度"] = row.difficulty
    if row.numeric_tolerance is not None:
        values["误差"] = _cell_number(row.numeric_tolerance)
    return values


def _cell_number(value: Decimal) -> int | float:
    """A number cell (not text), so Excel shows and sums it as a number."""
    return int(value) if value == value.to_integral_value() else float(value)


def _export_answer(row: ParsedQuestion) -> str:
    if row.qtype == "true_false":
        return "正确" if row.correct_bool else "错误"
    if row.qtype == "fill_blank":
        return "|".join(row.accepted_answers)
    letters = [chr(ord("A") + i) for i, c in enumerate(row.choices) if c.fraction > 0]
    if row.qtype == "single_choice" and row.choices:
        best = max(range(len(row.choices)), key=lambda i: row.choices[i].fraction)
        letters = [chr(ord("A") + best)]
    return "".join(letters)


def _export_weights(row: ParsedQuestion) -> str:
    """ "A:50；B:50；C:-100" when the options' credit is not what the answer
    letters alone imply (equal shares of the right options, 0 for others),
    so that penalties and partial credit survive a round trip; else ""."""
    if not row.choices:
        return ""
    letters = _export_answer(row)
    indexes = [ord(letter) - ord("A") for letter in letters]
    share = Decimal(1) / len(indexes) if indexes else Decimal(0)
    step = Decimal(10) ** -number_limits()["fraction"].places
    implied = [
        (share if i in indexes else Decimal(0)).quantize(step)
        for i in range(len(row.choices))
    ]
    if [c.fraction.quantize(step) for c in row.choices] == implied:
        return ""
    return "；".join(
        f"{chr(ord('A') + i)}:{number_text(c.fraction.quantize(step) * 100)}"
        for i, c in enumerate(row.choices)
        if c.fraction.quantize(step)
    )


def _save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
