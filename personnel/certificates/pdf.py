"""Certificate PDFs, rendered with WeasyPrint from a Django template.

Rendering many certificates as one document is far cheaper than one render
each (fonts are loaded and laid out once), so every entry point takes a
list. WeasyPrint is imported inside the functions: it is heavy, and only
the processes that render need it.
"""

import base64
import contextlib
import datetime as dt
import gc
import mimetypes
import re
from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape

PLACEHOLDER_RE = re.compile(r"\{(\w+)\}")
PLACEHOLDERS = (
    "name",
    "unit",
    "subject",
    "hours",
    "score",
    "start_date",
    "end_date",
    "issued_on",
)
CHINESE_DIGITS = "〇一二三四五六七八九"


def date_zh(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def date_zh_upper(day: dt.date) -> str:
    """二〇二六年三月五日, as dates under a seal are written."""

    def number(n: int) -> str:
        if n < 10:
            return CHINESE_DIGITS[n]
        tens, ones = divmod(n, 10)
        return (
            ("" if tens == 1 else CHINESE_DIGITS[tens])
            + "十"
            + (CHINESE_DIGITS[ones] if ones else "")
        )

    year = "".join(CHINESE_DIGITS[int(d)] for d in str(day.year))
    return f"{year}年{number(day.month)}月{number(day.day)}日"


def number_text(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"


def unknown_placeholders(body: str) -> list[str]:
    return sorted({m for m in PLACEHOLDER_RE.findall(body) if m not in PLACEHOLDERS})


CLAUSE_RE = re.compile(r"[^，,；;。]*[，,；;。]?")
CLAUSE_ENDS = "。；;"


def _without_empty_clauses(line: str, values: dict[str, str | None]) -> str:
    """Leave out each clause (up to a comma or full stop) that names a
    placeholder with no value, so a certificate without hours (an exam)
    says nothing about hours instead of printing "共计 — 学时". A clause that
    closed a sentence hands its full stop to the clause before it."""
    kept = []
    for clause in filter(None, CLAUSE_RE.findall(line)):
        names = PLACEHOLDER_RE.findall(clause)
        if any(name in values and values[name] is None for name in names):
            if kept and clause[-1:] in CLAUSE_ENDS:
                kept[-1] = kept[-1].rstrip("，,") + clause[-1]
            continue
        kept.append(clause)
    return "".join(kept)


def body_paragraphs(body: str, values: dict[str, str | None]) -> list[dict]:
    """Fill the placeholders; each non-empty line becomes a paragraph.
    A value of None (no hours, no score) drops the clause that names it.

    In the salutation (a line ending with a colon, e.g. "{name} 同志：") the
    filled-in values are underlined as on a printed form; in the running
    text they are plain, which also keeps layout about a fifth cheaper
    (every styled inline box is a separate run to break into lines).
    """

    def fill(key, styled):
        if key not in values:
            return escape("{" + key + "}")
        if styled:
            return f'<span class="fill">{escape(values[key])}</span>'
        return escape(values[key])

    paragraphs = []
    for line in body.splitlines():
        line = line.strip()
        salutation = line.endswith(("：", ":"))
        if not salutation:
            line = _without_empty_clauses(line, values)
        if not line:
            continue
        parts = PLACEHOLDER_RE.split(line)
        html = "".join(
            escape(part) if i % 2 == 0 else fill(part, salutation)
            for i, part in enumerate(parts)
        )
        paragraphs.append({"html": html, "salutation": salutation})
    return paragraphs


def verify_url(code: str) -> str:
    path = reverse("personnel:certificate_verify", args=[code])
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def code_display(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _image_data_uri(image_id: int | None, cache: dict) -> str:
    if not image_id:
        return ""
    if image_id not in cache:
        from wagtail.images import get_image_model

        image = get_image_model().objects.filter(pk=image_id).first()
        if image is None:
            cache[image_id] = ""
        else:
            with image.file.open("rb") as handle:
                data = handle.read()
            mime = mimetypes.guess_type(image.file.name)[0] or "image/png"
            cache[image_id] = (
                f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
            )
    return cache[image_id]


_FRAMES: dict[str, str] = {}


def _frame_data_uri(orientation: str) -> str:
    if orientation not in _FRAMES:
        from .artwork import ASSETS

        data = (ASSETS / f"frame-{orientation}.png").read_bytes()
        _FRAMES[orientation] = (
            f"data:image/png;base64,{base64.b64encode(data).decode('ascii')}"
        )
    return _FRAMES[orientation]


def page_items(printed_list: list[dict]) -> tuple[list[dict], dict]:
    """Template context for each certificate from its frozen ``printed`` facts.

    Pictures shared by many pages (frames, backgrounds) go into the style
    sheet once, not into every page's markup.
    """
    from .qr import qr_data_uri

    images: dict = {}
    layouts: dict = {}
    backgrounds: dict[str, int] = {}
    seals: dict[str, int] = {}
    items = []
    for printed in printed_list:
        page = f"{printed['size']}-{printed['orientation']}"
        layouts[page] = {
            "name": page,
            "size": printed["size"],
            "orientation": printed["orientation"],
        }
        background = _image_data_uri(
            printed.get("background_id"), images
        ) or _frame_data_uri(printed["orientation"])
        seal = _image_data_uri(printed.get("seal_id"), images)
        items.append(
            {
                **printed,
                "page": page,
                "seal_index": seals.setdefault(seal, len(seals)) if seal else None,
                "background_index": backgrounds.setdefault(
                    background, len(backgrounds)
                ),
                "qr": qr_data_uri(printed["verify_url"]),
                "code_display": code_display(printed["code"]),
            }
        )
    shared = {
        "layouts": list(layouts.values()),
        "backgrounds": list(backgrounds),
        "seals": list(seals),
    }
    return items, shared


def html_render(printed_list: list[dict]) -> str:
    items, shared = page_items(printed_list)
    return render_to_string(
        "personnel/certificates/pdf.html",
        {"items": items, "title": printed_list[0]["title"], **shared},
    )


@contextlib.contextmanager
def _collector_paused():
    """Pause Python's cyclic garbage collector while a document is rendered.

    Laying out and writing a page builds tens of thousands of objects that
    live until the document is written, and the collector kept walking all
    of them again: about a third of the layout time of a batch (measured
    with and without). Reference counting still frees what it can; the
    cycles left are collected as usual once the collector runs again.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _layout(printed_list: list[dict]):
    from weasyprint import HTML

    return HTML(
        string=html_render(printed_list), base_url=str(settings.BASE_DIR)
    ).render()


def pdf_render_document(printed_list: list[dict]) -> bytes:
    """All certificates in one PDF, one per page (previews, batch prints)."""
    with _collector_paused():
        return _layout(printed_list).write_pdf()


def pdf_render_each(printed_list: list[dict]) -> list[bytes]:
    """One single-page PDF per certificate, from a single layout pass.

    The batch is laid out once and written once (one font subsetting);
    each page is then cut out into a file of its own that holds only what
    that page draws (see pdf_pages).
    """
    from .pdf_pages import pages_split

    with _collector_paused():
        document = _layout(printed_list)
        if len(document.pages) != len(printed_list):
            raise RuntimeError(
                f"{len(printed_list)} certificates laid out on "
                f"{len(document.pages)} pages"
            )
        return pages_split(document.write_pdf())


def renderer_warm_up() -> None:
    """Load WeasyPrint, Pango and the CJK fonts (both weights) once, so the
    first certificate a fresh worker process renders is not the slow one."""
    from weasyprint import HTML

    HTML(
        string="<p style=\"font-family: 'Noto Serif CJK SC'\">证书 <b>证书</b></p>"
    ).write_pdf()
