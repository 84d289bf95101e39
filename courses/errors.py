class CoursesError(Exception):
    """A domain error whose message a user can act on."""


class NotEnrolled(CoursesError):
    pass


class ClassClosed(CoursesError):
    pass


class ClassNotOver(CoursesError):
    pass


class SignInRefused(CoursesError):
    pass


class AttendanceImportError(CoursesError):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))
