from .archive import ExamResultRecord, HourRequirement, TrainingRecord
from .organisation import Team, Unit
from .people import Cadre

__all__ = [
    "Cadre",
    "ExamResultRecord",
    "HourRequirement",
    "Team",
    "TrainingRecord",
    "Unit",
]
