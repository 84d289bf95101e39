class PersonnelError(Exception):
    """A domain error whose message a user can act on."""


class RosterImportError(PersonnelError):
    def __init__(self, errors):
        self.errors = errors  # list of RowError
        super().__init__(f"{len(errors)} problem(s) in the roster file")
