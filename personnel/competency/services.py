"""Writes for competency profiles: appraisal grades and HR notes."""

import io

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from ..models import Appraisal, AppraisalGrade, Cadre, HRNote
from ..models.competency import APPRAISAL_GRADE_BY_CHINESE
from .errors import AppraisalImportError, CellError

# Column headings of the import file, in Chinese as HR's spreadsheets have them.
HEADERS = {"employee_no": "工号", "year": "年度", "grade": "考核等次"}
GRADE_LOOKUP = (
    APPRAISAL_GRADE_BY_CHINESE
    | {str(label): code for code, label in AppraisalGrade.choices}
    | {code: code for code in AppraisalGrade.values}
)


def appraisal_set(*, cadre: Cadre, year: int, grade: str, user, note="") -> Appraisal:
    """Enter or replace one cadre's appraisal grade for a year."""
    appraisal, _created = Appraisal.objects.update_or_create(
        cadre=cadre,
        year=year,
        defaults={"grade": grade, "note": note, "recorded_by": user},
    )
    return appraisal


def hr_note_add(*, cadre: Cadre, text: str, user) -> HRNote:
    return HRNote.objects.create(cadre=cadre, text=text.strip(), author=user)


def _read_rows(data: bytes):
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
    except Exception as exc:  # openpyxl raises many kinds for a non-xlsx file
        raise AppraisalImportError(
            [CellError(1, "-", _("This is not an .xlsx workbook."))]
        ) from exc
    rows = list(sheet.iter_rows(values_only=True))
    if not rows:
        raise AppraisalImportError([CellError(1, "-", _("The sheet is empty."))])
    header = [str(cell or "").strip() for cell in rows[0]]
    missing = [h for h in HEADERS.values() if h not in header]
    if missing:
        message = _("Missing column(s): %(names)s") % {"names": "、".join(missing)}
        raise AppraisalImportError([CellError(1, "-", message)])
    index = {key: header.index(title) for key, title in HEADERS.items()}
    return [
        (number, {key: row[i] if i < len(row) else None for key, i in index.items()})
        for number, row in enumerate(rows[1:], start=2)
        if any(cell not in (None, "") for cell in row)
    ]


def _parse_row(number, row, cadres, errors):
    staff = str(row["employee_no"] or "").strip()
    cadre = cadres.get(staff)
    if cadre is None:
        errors.append(
            CellError(
                number,
                HEADERS["employee_no"],
                _("Unknown staff number %(no)s.") % {"no": staff or "—"},
            )
        )
    try:
        year = int(str(row["year"]).strip().removesuffix("年"))
        if not 1990 <= year <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        year = None
        errors.append(
            CellError(
                number, HEADERS["year"], _("Write the year as four digits, e.g. 2025.")
            )
        )
    grade = GRADE_LOOKUP.get(str(row["grade"] or "").strip())
    if grade is None:
        errors.append(
            CellError(
                number,
                HEADERS["grade"],
                _("The grade must be one of 优秀, 称职, 基本称职, 不称职."),
            )
        )
    return cadre, year, grade


def appraisal_import(*, data: bytes, user, cadres) -> int:
    """Import grades from .xlsx (columns 工号, 年度, 考核等次): all or nothing.

    ``cadres`` is the queryset the importing user may change.

    Raises:
        AppraisalImportError: with every problem found (row, column, reason);
            nothing is saved then.
    """
    rows = _read_rows(data)
    by_no = {
        c.employee_no: c
        for c in cadres.filter(
            employee_no__in=[str(r["employee_no"] or "").strip() for _n, r in rows]
        )
    }
    errors, parsed, seen = [], [], {}
    for number, row in rows:
        cadre, year, grade = _parse_row(number, row, by_no, errors)
        if cadre and year:
            if (cadre.pk, year) in seen:
                errors.append(
                    CellError(
                        number,
                        HEADERS["year"],
                        _("Same staff number and year as row %(row)s.")
                        % {"row": seen[(cadre.pk, year)]},
                    )
                )
            seen[(cadre.pk, year)] = number
        parsed.append((cadre, year, grade))
    if errors:
        raise AppraisalImportError(errors)
    with transaction.atomic():
        for cadre, year, grade in parsed:
            appraisal_set(cadre=cadre, year=year, grade=grade, user=user)
    return len(parsed)
