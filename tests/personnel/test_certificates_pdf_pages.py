"""Single-certificate files cut from a batch: each holds only its own page's
pictures and fonts, and its renumbered glyphs are the batch's glyphs."""

import io
import re

import pikepdf
import pytest
import zxingcpp
from fontTools.pens.recordingPen import RecordingPen
from fontTools.ttLib import TTFont
from PIL import Image

from personnel.certificates import pdf
from personnel.certificates.pdf_pages import pages_split
from tests.personnel.certificate_helpers import issue, make_template, pdftotext
from tests.personnel.factories import CadreFactory

NAMES = ["刘䶮", "王芳", "欧阳明华"]


@pytest.fixture
def printed(province):
    template = make_template()
    cadres = [CadreFactory(unit=province["chengguan"], name=name) for name in NAMES]
    return [issue(cadre, template).printed for cadre in cadres]


def test_each_file_carries_only_its_own_qr_code(printed):
    files = pdf.pdf_render_each(printed)

    assert len(files) == len(printed)
    for facts, data in zip(printed, files, strict=True):
        document = pikepdf.open(io.BytesIO(data))
        assert len(document.pages) == 1
        assert _qr_codes_inside(document) == [facts["verify_url"]]
        # Was 0.35-0.47 MB with the batch's sparse fonts and every QR code.
        assert len(data) < 150_000


def _qr_codes_inside(document) -> list[str]:
    """Every QR code found in any picture the file holds."""
    found = []
    for obj in document.objects:
        if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image":
            image = pikepdf.PdfImage(obj).as_pil_image().convert("L")
            if image.width > 100:
                continue  # the frame, the seal: not codes
            large = image.resize((image.width * 8, image.height * 8), Image.NEAREST)
            found += [code.text for code in zxingcpp.read_barcodes(large)]
    return found


def test_renumbered_glyphs_are_the_batchs_glyphs(printed, tmp_path):
    from weasyprint import HTML

    batch = HTML(string=pdf.html_render(printed)).render().write_pdf()
    batch_document = pikepdf.open(io.BytesIO(batch))
    batch_fonts = _fonts_by_unicode(batch_document.pages[0])

    data = pages_split(batch)[0]
    single = pikepdf.open(io.BytesIO(data))
    fonts = _fonts_by_unicode(single.pages[0])

    # The page draws the same glyphs in the same order, and its text reads
    # the same.
    assert _glyphs_drawn(single.pages[0]) == _glyphs_drawn(batch_document.pages[0])
    (tmp_path / "batch.pdf").write_bytes(batch)
    (tmp_path / "single.pdf").write_bytes(data)
    assert "刘䶮" in pdftotext(tmp_path / "single.pdf")
    assert (
        pdftotext(tmp_path / "single.pdf")
        == pdftotext(tmp_path / "batch.pdf").split("\f")[0] + "\f"
    )

    assert "䶮" in fonts["Bold"]["glyphs"]  # the name is printed in bold
    for style, font in fonts.items():
        program = font["program"]
        charset = program["CFF "].cff.topDictIndex[0].charset
        # Glyph n is CID n: viewers that read the CFF charset and viewers
        # that take the code as the glyph index draw the same glyph.
        assert charset == [".notdef"] + [f"cid{n:05d}" for n in range(1, len(charset))]
        assert len(charset) == len(font["glyphs"]) + 1  # only this page's glyphs
        for char, (code, width) in font["glyphs"].items():
            old_code, old_width = batch_fonts[style]["glyphs"][char]
            assert width == old_width
            assert _outline(program, code) == _outline(
                batch_fonts[style]["program"], old_code
            ), char


def _glyphs_drawn(page) -> list:
    """The outline of every glyph the page shows, in the order shown."""
    programs = {
        name: TTFont(
            io.BytesIO(font.DescendantFonts[0].FontDescriptor.FontFile3.read_bytes())
        )
        for name, font in page.Resources.Font.items()
    }
    drawn, program = [], None
    for operands, operator in pikepdf.parse_content_stream(page, "Tf TJ"):
        if str(operator) == "Tf":
            program = programs[str(operands[0])]
            continue
        for item in operands[0]:
            if isinstance(item, pikepdf.String):
                text = bytes(item)
                drawn += [
                    _outline(program, int.from_bytes(text[i : i + 2], "big"))
                    for i in range(0, len(text), 2)
                ]
    return drawn


def _fonts_by_unicode(page) -> dict:
    """{style: {"program": TTFont, "glyphs": {char: (code, width)}}}."""
    fonts = {}
    for font in page.Resources.Font.values():
        style = "Bold" if str(font.BaseFont).endswith("Bold") else "Regular"
        descendant = font.DescendantFonts[0]
        widths = _widths(descendant.W)
        cmap = font.ToUnicode.read_bytes().decode()
        glyphs = {
            chr(int(text, 16)): (int(code, 16), widths[int(code, 16)])
            for code, text in re.findall(r"<([0-9a-f]{4})> <([0-9a-f]{4})>", cmap)
            if code != "0000"  # WeasyPrint maps .notdef to U+FFFF
        }
        program = descendant.FontDescriptor.FontFile3.read_bytes()
        fonts[style] = {"program": TTFont(io.BytesIO(program)), "glyphs": glyphs}
    return fonts


def _widths(array) -> dict[int, float]:
    items, widths = list(array), {}
    for first, values in zip(items[::2], items[1::2], strict=True):
        widths.update({first + i: float(w) for i, w in enumerate(values)})
    return widths


def _outline(program: TTFont, code: int) -> list:
    pen = RecordingPen()
    program.getGlyphSet()[program.getGlyphOrder()[code]].draw(pen)
    return pen.value
