from .classes import Attendance, ClassParticipant, ClassSession, TrainingClass
from .learning import CourseAssignment, Enrolment, LessonProgress
from .pages import CourseIndexPage, CoursePage, LessonPage

__all__ = [
    "Attendance",
    "ClassParticipant",
    "ClassSession",
    "CourseAssignment",
    "CourseIndexPage",
    "CoursePage",
    "Enrolment",
    "LessonPage",
    "LessonProgress",
    "TrainingClass",
]
