"""Writes of the personnel app: roster import and export."""

import io
from dataclasses import dataclass

import pandas as pd
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl.styles import Font

from . import roles
from .errors import RosterImportError
from .models import Cadre, Team, Unit
from .roster import (
    COLUMNS,
    EXAMPLE_ROW,
    TEMPLATE_HELP,
    RowError,
    map_headers,
    read_table,
    validate_rows,
)
from .selectors import cadres_visible_to, units_visible_to, user_scope


@dataclass(frozen=True)
class RosterImportResult:
    created: int
    updated: int


def roster_import(*, content: bytes, filename: str, user) -> RosterImportResult:
    """Import a roster all-or-nothing.

    Raises:
        RosterFileError: the file cannot be read or lacks required columns.
        RosterImportError: with every bad row (row number, column, reason);
            nothing is written.
    """
    frame = read_table(content=content, filename=filename)
    mapping = map_headers(frame)
    allowed_units = units_visible_to(user=user)
    units_by_key = {}
    for unit in Unit.objects.all():
        units_by_key[unit.code] = unit
        units_by_key.setdefault(unit.name, unit)
    team_codes = {}
    for team in Team.objects.all():
        for key in (team.code, team.name_zh, team.name_en):
            team_codes[key] = team.code
    masked_ids = {
        cadre.employee_no: (cadre.masked_id_number, cadre.id_number)
        for cadre in cadres_visible_to(user=user).only("employee_no", "id_number")
    }
    rows, errors = validate_rows(
        frame,
        mapping,
        units_by_key=units_by_key,
        team_codes=team_codes,
        masked_ids=masked_ids,
    )
    errors += _cross_row_errors(
        rows,
        user=user,
        allowed_unit_ids=set(allowed_units.values_list("pk", flat=True)),
    )
    if errors:
        raise RosterImportError(sorted(errors, key=lambda e: (e.row, e.column)))
    return _write_rows(rows)


def _cross_row_errors(rows, *, user, allowed_unit_ids) -> list[RowError]:
    errors = []
    seen_numbers, seen_ids = {}, {}
    visible = set(cadres_visible_to(user=user).values_list("employee_no", flat=True))
    existing = dict(Cadre.objects.values_list("id_number", "employee_no"))
    known_numbers = set(Cadre.objects.values_list("employee_no", flat=True))
    for row in rows:
        number, id_number = row.values["employee_no"], row.values.get("id_number")
        if number and number in seen_numbers:
            errors.append(
                RowError(
                    row.row,
                    "工号",
                    _("Duplicate staff number: also on row %(row)d.")
                    % {"row": seen_numbers[number]},
                )
            )
        seen_numbers.setdefault(number, row.row)
        if id_number and id_number in seen_ids:
            errors.append(
                RowError(
                    row.row,
                    "身份证号",
                    _("Duplicate ID number: also on row %(row)d.")
                    % {"row": seen_ids[id_number]},
                )
            )
        seen_ids.setdefault(id_number, row.row)
        holder = existing.get(id_number)
        if holder and holder != number:
            errors.append(
                RowError(
                    row.row,
                    "身份证号",
                    _("This ID number belongs to staff number %(no)s already.")
                    % {"no": holder},
                )
            )
        unit = row.values.get("unit")
        if unit is not None and unit.pk not in allowed_unit_ids:
            errors.append(
                RowError(
                    row.row,
                    "单位",
                    _(
                        "You may only import cadres into your own unit "
                        "and the units below it."
                    ),
                )
            )
        if number in known_numbers and number not in visible:
            errors.append(
                RowError(
                    row.row,
                    "工号",
                    _("This staff number belongs to a cadre outside your units."),
                )
            )
    return errors


@transaction.atomic
def _write_rows(rows) -> RosterImportResult:
    User = get_user_model()
    learners = Group.objects.get(name=roles.GROUP_NAMES[roles.LEARNER])
    teams = {team.code: team for team in Team.objects.all()}
    existing = {
        c.employee_no: c
        for c in Cadre.objects.filter(
            employee_no__in=[r.values["employee_no"] for r in rows]
        )
    }
    created = updated = 0
    for row in rows:
        values = dict(row.values)
        cadre = existing.get(values["employee_no"])
        if cadre is None:
            user, _new = User.objects.get_or_create(username=values["employee_no"])
            if _new:
                user.set_unusable_password()
                user.first_name = values["name"]
                user.save()
            user.groups.add(learners)
            cadre = Cadre(user=user)
            created += 1
        else:
            updated += 1
        for name, value in values.items():
            setattr(cadre, name, value)
        cadre.save()
        cadre.teams.set([teams[code] for code in row.team_codes])
    return RosterImportResult(created=created, updated=updated)


def _xlsx(
    frames: dict[str, pd.DataFrame], widths: dict[str, int] | None = None
) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for sheet, frame in frames.items():
            frame.to_excel(writer, sheet_name=sheet, index=False)
            worksheet = writer.sheets[sheet]
            worksheet.freeze_panes = "A2"
            for cell in worksheet[1]:
                cell.font = Font(bold=True)
            for column_cells in worksheet.columns:
                letter = column_cells[0].column_letter
                longest = max(len(str(c.value or "")) for c in column_cells)
                worksheet.column_dimensions[letter].width = min(
                    60, max(10, longest * 2 + 2)
                )
    return buffer.getvalue()


def roster_template() -> bytes:
    """The import template: the roster sheet holds the headings only (the
    importer reads the first sheet); the example row is on a sheet of its
    own, so that uploading the template unchanged imports nobody."""
    headers = [zh for _f, zh, _en, _r in COLUMNS]
    example = [EXAMPLE_ROW[f] for f, _zh, _en, _r in COLUMNS]
    help_rows = pd.DataFrame(
        [(h, str(text)) for h, text in TEMPLATE_HELP], columns=["列", "说明"]
    )
    return _xlsx(
        {
            "花名册": pd.DataFrame([], columns=headers),
            "示例": pd.DataFrame([example], columns=headers),
            "说明": help_rows,
        }
    )


def roster_export(*, cadres, user) -> bytes:
    """The roster as .xlsx with the import columns; ID numbers masked unless
    the user may see them."""
    from django.utils import translation

    show_id = user.has_perm("personnel.view_id_number")
    records = []
    with translation.override("zh-hans"):
        for cadre in cadres.select_related("unit").prefetch_related("teams"):
            records.append(
                [
                    cadre.employee_no,
                    cadre.name,
                    cadre.id_number if show_id else cadre.masked_id_number,
                    cadre.get_gender_display(),
                    cadre.birth_date.isoformat(),
                    cadre.get_education_display(),
                    cadre.get_rank_display(),
                    cadre.position,
                    cadre.unit.name,
                    "、".join(t.name_zh for t in cadre.teams.all()),
                    cadre.joined_on.isoformat(),
                    cadre.phone,
                ]
            )
    headers = [zh for _f, zh, _en, _r in COLUMNS]
    return _xlsx({"花名册": pd.DataFrame(records, columns=headers)})


def scope_label(*, user) -> str:
    scope = user_scope(user=user)
    if scope.everything:
        return _("All units")
    return scope.unit.name if scope.unit else _("Yourself only")
