"""Roster columns, parsing and validation (.xlsx and .csv, Chinese headers).

Parsing never writes: it returns validated rows or every problem found, so
the import service can be all-or-nothing.
"""

import datetime as dt
import io
import re
from dataclasses import dataclass, field

import pandas as pd
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import Education, Gender, Rank
from .id_numbers import id_number_parse

# (field, Chinese header, English header, required)
COLUMNS = [
    ("employee_no", "工号", "Staff number", True),
    ("name", "姓名", "Name", True),
    ("id_number", "身份证号", "ID number", True),
    ("gender", "性别", "Gender", False),
    ("birth_date", "出生日期", "Birth date", False),
    ("education", "学历", "Education", True),
    ("rank", "职级", "Rank", True),
    ("position", "职务", "Position", False),
    ("unit", "单位", "Unit", True),
    ("teams", "队伍", "Teams", True),
    ("joined_on", "入职日期", "Date joined", True),
    ("phone", "电话", "Phone", False),
]
HEADER_TO_FIELD = {}
for _field, _zh, _en, _req in COLUMNS:
    HEADER_TO_FIELD[_zh] = _field
    HEADER_TO_FIELD[_en.lower()] = _field
    HEADER_TO_FIELD[_field] = _field
FIELD_HEADER = {f: zh for f, zh, _en, _r in COLUMNS}
TEAM_SEPARATORS = re.compile(r"[、,，;；/\s]+")
MAX_ROWS = 20_000
PHONE = re.compile(r"\+?[0-9][0-9 \-]{4,23}")
# The template's example row: shown on its own sheet, refused if pasted in.
EXAMPLE_ROW = {
    "employee_no": "GS90001",
    "name": "张三",
    "id_number": "11010519491231002X",
    "gender": "女",
    "birth_date": "1949-12-31",
    "education": "大学本科",
    "rank": "一级主任科员",
    "position": "执法人员",
    "unit": "兰州市生态环境局",
    "teams": "生态环境执法、环境应急",
    "joined_on": "2015-07-01",
    "phone": "13900000000",
}


@dataclass
class RowError:
    row: int  # the row number as the user's spreadsheet shows it
    column: str
    message: str


@dataclass
class RosterRow:
    row: int
    values: dict = field(default_factory=dict)
    team_codes: list[str] = field(default_factory=list)


class RosterFileError(Exception):
    """The file as a whole cannot be read (format, headers)."""


def read_table(*, content: bytes, filename: str) -> pd.DataFrame:
    name = filename.lower()
    try:
        if name.endswith(".xlsx"):
            frame = pd.read_excel(
                io.BytesIO(content), dtype=str, keep_default_na=False, engine="openpyxl"
            )
        elif name.endswith(".csv"):
            frame = _read_csv(content)
        else:
            raise RosterFileError(_("Upload an .xlsx or .csv file."))
    except RosterFileError:
        raise
    except Exception as exc:  # pandas raises many kinds for a damaged file
        # The library's message (in English, e.g. "File is not a zip file")
        # helps nobody here; say what to do instead.
        raise RosterFileError(
            _(
                "The file could not be read as a spreadsheet. Open it in Excel "
                "or WPS, save it as .xlsx (or as CSV) and upload it again."
            )
        ) from exc
    if len(frame) > MAX_ROWS:
        raise RosterFileError(
            _("The file has %(n)d rows; import at most %(max)d at a time.")
            % {"n": len(frame), "max": MAX_ROWS}
        )
    return frame


def _read_csv(content: bytes) -> pd.DataFrame:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    raise RosterFileError(_("The CSV file is neither UTF-8 nor GB18030 encoded."))


def map_headers(frame: pd.DataFrame) -> dict[str, str]:
    """Map the file's columns to fields; raise if a required one is missing."""
    mapping = {}
    for header in frame.columns:
        key = str(header).strip()
        target = HEADER_TO_FIELD.get(key) or HEADER_TO_FIELD.get(key.lower())
        if target:
            mapping[target] = header
    missing = [
        FIELD_HEADER[f] for f, _zh, _en, req in COLUMNS if req and f not in mapping
    ]
    if missing:
        raise RosterFileError(
            _("Required columns are missing: %(columns)s. Download the template.")
            % {"columns": "、".join(missing)}
        )
    return mapping


def _choice_lookup(choices) -> dict[str, str]:
    """Accept the code, the Chinese label and the English label."""
    from django.utils import translation

    lookup = {}
    for code, label in choices:
        lookup[code] = code
        for language in ("zh-hans", "en"):
            with translation.override(language):
                lookup[str(label)] = code
    return lookup


def parse_date(value: str) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    value = value.split(" ")[0].replace("/", "-").replace(".", "-")
    value = value.replace("年", "-").replace("月", "-").replace("日", "")
    try:
        return dt.date.fromisoformat(
            "-".join(part.zfill(2) for part in value.split("-"))
        )
    except ValueError:
        return None


def validate_rows(
    frame, mapping, *, units_by_key, team_codes, masked_ids=None
) -> tuple[list, list]:
    """Check every row; return (rows, errors). Cross-row and database checks
    (duplicates, existing ID numbers, scope) are done by the service, on
    every row (bad ones too), so that a row's problems are listed at once.

    ``masked_ids`` maps a staff number to (masked, full) ID number of a
    cadre the user may see: an export's masked ID, left as it was, means
    "unchanged"."""
    lookups = {
        "gender": _choice_lookup(Gender.choices),
        "education": _choice_lookup(Education.choices),
        "rank": _choice_lookup(Rank.choices),
    }
    rows, errors = [], []
    for index, record in enumerate(frame.to_dict("records")):
        line = index + 2  # header is row 1
        raw = {f: str(record.get(col, "")).strip() for f, col in mapping.items()}
        if not any(raw.values()):
            continue
        row, row_errors = _validate_row(
            line, raw, lookups, units_by_key, team_codes, masked_ids or {}
        )
        errors += row_errors
        rows.append(row)
    return rows, errors


def _validate_row(line, raw, lookups, units_by_key, team_codes, masked_ids):
    errors = []

    def fail(field_name, message):
        errors.append(RowError(line, FIELD_HEADER[field_name], message))

    if _is_example(raw):
        fail(
            "employee_no",
            _("This is the template's example row (张三, GS90001); delete it."),
        )
    for field_name, _zh, _en, required in COLUMNS:
        if required and not raw.get(field_name):
            fail(field_name, _("This column is required."))
    values = {
        "employee_no": raw.get("employee_no", ""),
        "name": raw.get("name", ""),
        "position": raw.get("position", ""),
        "phone": raw.get("phone", ""),
    }
    if values["phone"] and not PHONE.fullmatch(values["phone"]):
        fail(
            "phone",
            _("Not a phone number: use digits, with + - or spaces, 5 to 24 long."),
        )
    facts = _check_id_number(raw, values, masked_ids, fail)
    for name in ("gender", "education", "rank"):
        if raw.get(name):
            code = lookups[name].get(raw[name])
            if code is None:
                fail(name, _("Unknown value “%(value)s”.") % {"value": raw[name]})
            values[name] = code
    _check_dates(raw, values, facts, fail)
    if raw.get("unit"):
        unit = units_by_key.get(raw["unit"])
        if unit is None:
            fail("unit", _("Unknown unit “%(value)s”.") % {"value": raw["unit"]})
        values["unit"] = unit
    codes = [t for t in TEAM_SEPARATORS.split(raw.get("teams", "")) if t]
    resolved = [team_codes.get(t) for t in codes]
    for token, code in zip(codes, resolved, strict=True):
        if code is None:
            fail("teams", _("Unknown team “%(value)s”.") % {"value": token})
    return RosterRow(line, values, [c for c in resolved if c]), errors


def _is_example(raw) -> bool:
    keys = ("employee_no", "name", "id_number")
    return all(raw.get(key, "").upper() == EXAMPLE_ROW[key] for key in keys)


def _check_id_number(raw, values, masked_ids, fail):
    """Parse the ID number into ``values``; return what it encodes, or None."""
    id_number = raw.get("id_number", "").upper()
    if not id_number:
        return None
    if "*" in id_number:
        masked, full = masked_ids.get(raw.get("employee_no", ""), ("", ""))
        if not masked or id_number != masked.upper():
            fail(
                "id_number",
                _(
                    "A masked ID number (with *) is accepted only as exported, "
                    "for the same staff number; write the full ID number."
                ),
            )
            return None
        id_number = full  # unchanged from the export
    try:
        facts = id_number_parse(id_number)
    except ValidationError as exc:
        fail("id_number", exc.messages[0])
        return None
    values["id_number"] = id_number
    return facts


def _check_dates(raw, values, facts, fail):
    if raw.get("joined_on"):
        values["joined_on"] = parse_date(raw["joined_on"])
        if values["joined_on"] is None:
            fail("joined_on", _("Not a date; write it as 2015-07-01."))
    birth = parse_date(raw.get("birth_date", "")) if raw.get("birth_date") else None
    if raw.get("birth_date") and birth is None:
        fail("birth_date", _("Not a date; write it as 1990-05-17."))
    if facts is None:
        return
    if birth and birth != facts.birth_date:
        fail(
            "birth_date",
            _("Does not match the ID number (%(date)s).")
            % {"date": facts.birth_date.isoformat()},
        )
    if values.get("gender") and values["gender"] != facts.gender:
        fail("gender", _("Does not match the ID number."))
    values["birth_date"] = facts.birth_date
    values.setdefault("gender", facts.gender)
    values["gender"] = values["gender"] or facts.gender


TEMPLATE_HELP = [
    ("工号", gettext_lazy("Unique staff number; re-importing it updates the cadre.")),
    ("姓名", gettext_lazy("Full name.")),
    ("身份证号", gettext_lazy("18-character resident ID number, checked (GB 11643).")),
    ("性别", gettext_lazy("男/女; optional, must match the ID number.")),
    ("出生日期", gettext_lazy("Optional, must match the ID number.")),
    ("学历", "中专及以下 / 大学专科 / 大学本科 / 硕士研究生 / 博士研究生"),
    ("职级", gettext_lazy("For example 一级主任科员, 四级调研员.")),
    ("职务", gettext_lazy("Post, free text.")),
    ("单位", gettext_lazy("Unit code or full unit name as in the platform.")),
    (
        "队伍",
        gettext_lazy(
            "One or more of 生态环境监督、生态环境执法、生态环境监测、"
            "环境影响评价、环境应急, separated by 、"
        ),
    ),
    ("入职日期", gettext_lazy("Date joined, e.g. 2015-07-01.")),
    ("电话", gettext_lazy("Optional.")),
]
