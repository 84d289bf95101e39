"""PDF rendering of profiles and reports (WeasyPrint, Noto CJK fonts)."""

from django.template.loader import render_to_string


def render_pdf(*, template: str, context: dict) -> bytes:
    from weasyprint import HTML  # heavy: imported where it is used

    html = render_to_string(template, context)
    return HTML(string=html).write_pdf()
