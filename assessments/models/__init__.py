from .attempt import (
    AnswerStep,
    Attempt,
    GradeChange,
    PaperItem,
    PreparedPaper,
    Result,
    ResultReview,
)
from .bank import KnowledgePoint, Question, QuestionBank, QuestionChoice
from .exam import (
    Accommodation,
    Exam,
    ExamDrawRule,
    ExamFixedQuestion,
    ExamNamedCadre,
)

__all__ = [
    "Accommodation",
    "AnswerStep",
    "Attempt",
    "Exam",
    "ExamDrawRule",
    "ExamFixedQuestion",
    "ExamNamedCadre",
    "GradeChange",
    "KnowledgePoint",
    "PaperItem",
    "PreparedPaper",
    "Question",
    "QuestionBank",
    "QuestionChoice",
    "Result",
    "ResultReview",
]
