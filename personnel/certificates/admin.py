"""Wagtail admin for certificates, registered from personnel/wagtail_hooks.py.

A "Certificates" menu groups the templates (a ModelViewSet with a live PDF
preview) and the certificate list, where certificates are revoked and
printed in batches.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from ..models import CertificateTemplate
from . import admin_views
from .admin_forms import CertificateTemplateForm


class CertificateTemplateDeleteView(generic.DeleteView):
    def form_valid(self, form):
        if self.object.certificates.exists():
            messages.error(
                self.request,
                _(
                    "This template has issued certificates, which keep what it "
                    "printed: it cannot be deleted. Untick “In use” instead."
                ),
            )
            return redirect(self.get_success_url())
        return super().form_valid(form)


class CertificateTemplateViewSet(ModelViewSet):
    model = CertificateTemplate
    icon = "doc-full"
    menu_label = _("Certificate templates")
    form_class = CertificateTemplateForm
    delete_view_class = CertificateTemplateDeleteView
    list_display = [
        "name",
        "title",
        "issuing_organisation",
        "paper_size",
        "orientation",
        "is_active",
    ]
    list_filter = ["is_active", "paper_size"]
    search_fields = ["name", "title"]
    copy_view_enabled = True

    def get_form_class(self, for_update=False):
        return CertificateTemplateForm


class CertificateMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("personnel.view_certificate")


class IssuedCertificatesViewSet(ViewSet):
    """The certificate list; its URLs are registered below, unnamespaced."""

    icon = "doc-full-inverse"
    menu_label = _("Certificates and batch printing")
    menu_item_class = CertificateMenuItem

    @cached_property
    def menu_url(self):
        return reverse("certificate_admin_index")


class CertificatesGroup(ViewSetGroup):
    menu_label = _("Certificates")
    menu_icon = "doc-full"
    menu_order = 170
    items = (
        IssuedCertificatesViewSet("certificates_issued"),
        CertificateTemplateViewSet("certificate_templates"),
    )


@hooks.register("register_admin_viewset")
def register_certificates():
    return CertificatesGroup()


@hooks.register("register_admin_urls")
def register_certificate_urls():
    return [
        path(
            "certificates/",
            admin_views.certificate_index,
            name="certificate_admin_index",
        ),
        path(
            "certificates/<int:pk>/revoke/",
            admin_views.certificate_revoke_view,
            name="certificate_admin_revoke",
        ),
        path(
            "certificates/templates/preview/",
            admin_views.template_preview,
            name="certificate_template_preview",
        ),
        path(
            "certificates/print/",
            admin_views.batch_print_start,
            name="certificate_batch_start",
        ),
        path(
            "certificates/print/<int:pk>/",
            admin_views.batch_print_job,
            name="certificate_batch_job",
        ),
        path(
            "certificates/print/<int:pk>/status/",
            admin_views.batch_print_status,
            name="certificate_batch_status",
        ),
        path(
            "certificates/print/<int:pk>/download/",
            admin_views.batch_print_download,
            name="certificate_batch_download",
        ),
    ]
