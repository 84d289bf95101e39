"""Domain errors; each message tells the user what happened and what to do."""


class AssessmentError(Exception):
    """A domain error whose message a user can act on."""


class ExamNotAvailable(AssessmentError):
    pass


class PaperCannotBeDrawn(AssessmentError):
    pass


class AttemptNotFound(AssessmentError):
    pass


class AttemptKeyRetired(AssessmentError):
    """The paper page's attempt key was retired (signed out elsewhere, the
    account changed): the page must fetch a fresh one, signed in."""


class AttemptClosed(AssessmentError):
    """The attempt no longer accepts answers (submitted, or past the deadline
    and its grace period)."""


class GradingError(AssessmentError):
    pass


class ReviewError(AssessmentError):
    pass


class ImportRejected(AssessmentError):
    def __init__(self, problems):
        self.problems = problems  # list of importers.ImportProblem
        super().__init__(f"{len(problems)} problem(s) in the file")
