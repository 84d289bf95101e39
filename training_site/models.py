from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The portal's front page: a welcome, notices, and the user's next steps."""

    intro = models.CharField(_("intro"), max_length=250, blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from personnel.api import cadre_for_user

        context = super().get_context(request, *args, **kwargs)
        context["cadre"] = cadre_for_user(user=request.user)
        return context
