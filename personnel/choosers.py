"""A cadre chooser for admin forms: search by name or staff number among the
cadres the signed-in user may see (a unit administrator, their subtree), so
that a form naming one cadre out of thousands is not a select of thousands."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.views.generic.chooser import (
    ChooseResultsView,
    ChooseView,
    ChosenMultipleView,
    ChosenView,
)
from wagtail.admin.viewsets.chooser import ChooserViewSet

from .models import Cadre
from .selectors import cadres_visible_to


class CadreSearchForm(BaseFilterForm):
    q = forms.CharField(
        label=_("Name or staff number"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Name or staff number")}),
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            objects = objects.filter(
                Q(name__icontains=query) | Q(employee_no__icontains=query)
            )
            self.is_searching, self.search_query = True, query
        return objects


class _VisibleCadres:
    filter_form_class = CadreSearchForm

    def get_object_list(self):
        return cadres_visible_to(user=self.request.user).order_by("name", "pk")


class _VisibleChosen:
    """The chosen-item endpoints (what a form shows for an id it holds) answer
    only for cadres the user may see: Wagtail looks them up on the model
    directly, which let a unit administrator read any cadre's name by id."""

    def get_object(self, pk):
        return cadres_visible_to(user=self.request.user).get(pk=pk)

    def get_objects(self, pks):
        pks = [pk for pk in pks if str(pk).isdigit() and len(str(pk)) <= 18]
        return cadres_visible_to(user=self.request.user).filter(pk__in=pks)


class CadreChooseView(_VisibleCadres, ChooseView):
    pass


class CadreChooseResultsView(_VisibleCadres, ChooseResultsView):
    pass


class CadreChooserViewSet(ChooserViewSet):
    model = Cadre
    icon = "user"
    choose_one_text = _("Choose a cadre")
    choose_another_text = _("Choose another cadre")
    per_page = 30
    # Used where a form asks for it (not every cadre field at once).
    register_widget = False
    choose_view_class = CadreChooseView
    choose_results_view_class = CadreChooseResultsView
    chosen_view_class = type("CadreChosenView", (_VisibleChosen, ChosenView), {})
    chosen_multiple_view_class = type(
        "CadreChosenMultipleView", (_VisibleChosen, ChosenMultipleView), {}
    )


cadre_chooser_viewset = CadreChooserViewSet("cadre_chooser")
