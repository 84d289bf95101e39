"""Trainers publish courses and lessons in the Wagtail admin: create,
publish, preview, edit; publishing a lesson updates the course's hours."""

from decimal import Decimal
from unittest import mock

from django.urls import reverse
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from courses.models import CoursePage, LessonPage
from tests.courses import factories as f
from tests.personnel.factories import CadreFactory, unit_root


# Wagtail's page assertions sign in with the first configured backend,
# which here is django-axes' (it cannot load users from a session).
@mock.patch(
    "wagtail.test.utils.page_tests.AUTH_BACKEND",
    "training_site.auth.CachedModelBackend",
)
class TrainerPublishesTests(WagtailPageTestCase):
    def setUp(self):
        self.trainer = CadreFactory(unit=unit_root(), role="trainer")
        self.client.force_login(self.trainer.user)
        self.catalogue = f.catalogue()

    def course_data(self, title):
        return nested_form_data(
            {
                "title": title,
                "slug": "enforcement-101",
                "summary": "执法基础课程。",
                "category": "policy_regulations",
                "kind": "online",
                "trainer_name": "周科长",
            }
        )

    def test_trainer_creates_course_and_lesson(self):
        self.assertCanCreate(
            self.catalogue, CoursePage, self.course_data("生态环境执法基础")
        )
        course = CoursePage.objects.get(slug="enforcement-101")
        lesson_data = nested_form_data(
            {
                "title": "行政处罚程序",
                "slug": "penalty-procedure",
                "credit_hours": "1.5",
                "min_study_minutes": "20",
                "body": streamfield(
                    [
                        ("paragraph", rich_text("<p>立案、调查、告知、决定。</p>")),
                        (
                            "callout",
                            {
                                "tone": "key",
                                "title": "要点",
                                "text": rich_text("<p>程序合法</p>"),
                            },
                        ),
                    ]
                ),
            }
        )
        self.assertCanCreate(course, LessonPage, lesson_data)
        course.refresh_from_db()
        assert course.credit_hours == Decimal("1.5") and course.lesson_count == 1
        assert "立案、调查、告知、决定" in course.search_text
        lesson = LessonPage.objects.get(slug="penalty-procedure")
        self.assertPageIsPreviewable(
            lesson, post_data=lesson_data, user=self.trainer.user
        )
        self.assertPageIsEditable(course, user=self.trainer.user)
        self.assertPageIsRenderable(lesson, user=self.trainer.user)

    def test_draft_lesson_does_not_count_until_published(self):
        course = f.course(lessons=1, hours=Decimal("2"))
        data = nested_form_data(
            {
                "title": "草稿课时",
                "slug": "draft",
                "credit_hours": "3",
                "min_study_minutes": "5",
                "body": streamfield([]),
            }
        )
        self.assertCanCreate(course, LessonPage, data, publish=False)
        course.refresh_from_db()
        assert course.credit_hours == Decimal("2.0") and course.lesson_count == 1
        LessonPage.objects.get(slug="draft").save_revision().publish()
        course.refresh_from_db()
        assert course.credit_hours == Decimal("5.0") and course.lesson_count == 2

    def test_lesson_minimum_study_time_is_at_most_a_day(self):
        course = f.course(lessons=0)
        url = reverse(
            "wagtailadmin_pages:add", args=["courses", "lessonpage", course.pk]
        )
        for minutes in ("99999999999", "1441"):
            data = nested_form_data(
                {
                    "title": "超长课时",
                    "slug": "too-long",
                    "credit_hours": "1",
                    "min_study_minutes": minutes,
                    "body": streamfield([]),
                }
            )
            response = self.client.post(url, data)
            assert response.status_code == 200
            errors = response.context["form"].errors
            assert errors == {"min_study_minutes": ["确保该值小于或等于1440。"]}
        assert not LessonPage.objects.filter(slug="too-long").exists()
        data["min_study_minutes"] = "1440"
        self.assertCanCreate(course, LessonPage, data, publish=False)

    def test_learner_cannot_open_the_admin_editor(self):
        learner = CadreFactory(unit=unit_root(), role="learner")
        self.client.force_login(learner.user)
        response = self.client.get(f"/admin/pages/{self.catalogue.pk}/edit/")
        assert response.status_code in (302, 403)
