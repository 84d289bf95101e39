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
from .exam import Accommodation, Exam, ExamDrawRule, ExamFixedQuestion

__all__ = [
    "Accommodation",
    "AnswerStep",
    "Attempt",
    "Exam",
    "ExamDrawRule",
    "ExamFixedQuestion",
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
