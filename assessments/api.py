"""The one door other apps use into assessments (OEP-49 style)."""

from .models import Exam, Result  # noqa: F401
from .selectors import exams_for_cadre  # noqa: F401


def exam_results_for_cadre(*, cadre_id: int) -> list[dict]:
    """Final results of one cadre, newest first (for profiles and reports)."""
    results = (
        Result.objects.filter(attempt__cadre_id=cadre_id, is_final=True)
        .select_related("attempt__exam")
        .order_by("-attempt__closed_at")
    )
    return [
        {
            "exam_id": r.attempt.exam_id,
            "exam_title": r.attempt.exam.title,
            "score": r.grade,
            "max_score": r.max_grade,
            "passed": r.passed,
            "closed_at": r.attempt.closed_at,
        }
        for r in results
    ]
