from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from ..models import CertificateTemplate
from .pdf import PLACEHOLDERS, unknown_placeholders


class CertificateTemplateForm(WagtailAdminModelForm):
    class Meta:
        model = CertificateTemplate
        fields = [
            "name",
            "title",
            "body",
            "issuing_organisation",
            "signatory",
            "seal",
            "background",
            "paper_size",
            "orientation",
            "serial_prefix",
            "is_active",
        ]
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}

    class Media:
        js = ["personnel/certificates/template_preview.js"]
        css = {"all": ["personnel/certificates/admin.css"]}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The preview script reads its URL and its (translated) labels here.
        self.fields["body"].widget.attrs.update(
            {
                "data-certificate-preview-url": reverse("certificate_template_preview"),
                "data-preview-title": _("Preview with sample data"),
                "data-preview-rendering": _("Rendering…"),
                "data-preview-failed": _("The preview could not be rendered."),
            }
        )

    def clean_body(self):
        body = self.cleaned_data["body"]
        unknown = unknown_placeholders(body)
        if unknown:
            raise forms.ValidationError(
                _("Unknown placeholder(s): %(unknown)s. Use only: %(known)s.")
                % {
                    "unknown": ", ".join("{" + u + "}" for u in unknown),
                    "known": ", ".join("{" + p + "}" for p in PLACEHOLDERS),
                }
            )
        return body

    def clean_serial_prefix(self):
        prefix = self.cleaned_data["serial_prefix"].strip().upper()
        if not prefix.isalnum() or not prefix.isascii():
            raise forms.ValidationError(
                _("Use only Latin letters and digits, e.g. GSEE.")
            )
        return prefix
