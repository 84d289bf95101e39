"""Formatted .xlsx: Chinese headings, a frozen heading row, column widths."""

import io
from dataclasses import dataclass

import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill


@dataclass
class Sheet:
    title: str  # at most 31 characters
    columns: list[tuple[str, str]]  # (key in the row dicts, Chinese heading)
    rows: list[dict]


def _display_width(value) -> int:
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def fit_columns(worksheet, rows: int = 500) -> None:
    """Each column of an openpyxl sheet as wide as its longest value among
    the header and the first ``rows`` rows (a CJK character counts two),
    within 8 and 60 characters."""
    for cells in worksheet.iter_cols(max_row=rows + 1):
        width = max(_display_width(cell.value) for cell in cells)
        worksheet.column_dimensions[cells[0].column_letter].width = min(
            max(width + 2, 8), 60
        )


def workbook_bytes(sheets: list[Sheet]) -> bytes:
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for sheet in sheets:
            keys = [key for key, _heading in sheet.columns]
            frame = pd.DataFrame(
                [[row.get(key) for key in keys] for row in sheet.rows],
                columns=[heading for _key, heading in sheet.columns],
            )
            frame.to_excel(writer, sheet_name=sheet.title[:31], index=False)
            _format(writer.sheets[sheet.title[:31]], frame)
    return out.getvalue()


def _format(worksheet, frame: pd.DataFrame) -> None:
    worksheet.freeze_panes = "A2"
    fill = PatternFill("solid", fgColor="DDE7F0")
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(
            horizontal="center", vertical="center", wrap_text=True
        )
    fit_columns(worksheet)
