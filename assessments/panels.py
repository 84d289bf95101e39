"""A panel on the Wagtail admin dashboard: what waits for trainers (answers
to mark, result reviews to answer, exams open now), with links."""

from django.utils import timezone
from wagtail.admin.ui.components import Component

from . import selectors


class TrainerTodoPanel(Component):
    name = "assessments_trainer_todo"
    template_name = "assessments/admin/home_todo_panel.html"
    order = 90  # before Wagtail's own panels (workflow, recent edits: 100+)

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["todo"] = selectors.trainer_todo(now=timezone.now())
        return context
