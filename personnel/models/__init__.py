from .archive import ExamResultRecord, HourRequirement, TrainingRecord
from .certificates import (
    BatchPrintJob,
    Certificate,
    CertificateEvent,
    CertificateTemplate,
    SerialCounter,
)
from .competency import (
    Appraisal,
    AppraisalGrade,
    CompetencyDimension,
    CompetencyFramework,
    HRNote,
)
from .organisation import Team, Unit
from .people import Cadre
from .talent import PoolOverride, PoolSnapshot, ReportJob, TalentPool

__all__ = [
    "Appraisal",
    "AppraisalGrade",
    "CompetencyDimension",
    "CompetencyFramework",
    "HRNote",
    "PoolOverride",
    "PoolSnapshot",
    "ReportJob",
    "TalentPool",
    "BatchPrintJob",
    "Certificate",
    "CertificateEvent",
    "CertificateTemplate",
    "SerialCounter",
    "Cadre",
    "ExamResultRecord",
    "HourRequirement",
    "Team",
    "TrainingRecord",
    "Unit",
]
