from dataclasses import dataclass

from ..errors import PersonnelError


@dataclass(frozen=True)
class CellError:
    row: int  # spreadsheet row number as shown in Excel (header is row 1)
    column: str
    message: str

    def __str__(self):
        return f"{self.row} · {self.column}: {self.message}"


class AppraisalImportError(PersonnelError):
    def __init__(self, errors: list[CellError]):
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s) in the appraisal file")
