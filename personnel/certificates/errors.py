from django.utils.translation import gettext_lazy as _

from ..errors import PersonnelError


class CertificateError(PersonnelError):
    """A certificate cannot be issued, revoked or printed as asked."""


class TemplateUnusable(CertificateError):
    def __init__(self, template_id):
        super().__init__(
            _("Certificate template %(id)s does not exist or is no longer in use.")
            % {"id": template_id}
        )
