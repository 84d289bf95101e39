"""One small PDF per certificate, cut from a batch rendered as one document.

WeasyPrint writes a batch with one resource dictionary shared by all its
pages, so a page copied out as it is carries every picture of the batch
(each certificate's own QR code, hence other people's verification codes)
and the batch's font subsets. Those subsets keep the font's glyph ids, and
CJK ideographs sit at ids up to 65,000, so each is a sparse font of
100-150 KB: a 1-page certificate came to 0.35-0.47 MB.

Before a page is copied out it gets resources of its own holding only what
it draws, and each of its fonts is subset again (HarfBuzz, well under a
millisecond) to the glyphs on that page, numbered 1, 2, 3 ... The codes in
the page's text, the widths (/W) and the ToUnicode map are renumbered to
match. The CFF charset is written as the identity (glyph n is CID n), as
WeasyPrint's retained ids were: PDF viewers disagree on whether a code of a
CFF-based CID font goes through the charset or is used as the glyph index,
and with the identity both readings give the same glyph.

A font this cannot renumber safely (another encoding, text drawn inside a
form XObject, glyphs HarfBuzz would add) is kept as it was: bigger, still
correct.
"""

import io
import re
import struct
from dataclasses import dataclass

import pikepdf
import uharfbuzz as hb
from pikepdf import Array, Dictionary, Name

TEXT_SHOWING = {"Tj", "TJ", "'", '"'}
SUBSET_FLAGS = (
    hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED
    | hb.SubsetFlags.NOTDEF_OUTLINE
    | hb.SubsetFlags.CFF_IDENTITY_CHARSET
)
BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
BFCHAR_PAIR = re.compile(rb"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]+)>")
TO_UNICODE_HEAD = (
    b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
    b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
    b"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
    b"1 begincodespacerange\n<0000> <ffff>\nendcodespacerange\n"
)
TO_UNICODE_TAIL = b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"


def pages_split(data: bytes) -> list[bytes]:
    """Each page of a PDF as a PDF of its own, holding only what it draws."""
    outputs = []
    with pikepdf.open(io.BytesIO(data)) as source:
        fonts: dict = {}  # what each of the batch's fonts holds, read once
        for page in source.pages:
            _page_own_resources(source, page, fonts)
            single = pikepdf.new()
            single.pages.append(page)
            buffer = io.BytesIO()
            # Pictures and fonts are compressed already: copied as they are;
            # the page's rewritten text and fonts are compressed here.
            single.save(
                buffer,
                compress_streams=True,
                stream_decode_level=pikepdf.StreamDecodeLevel.none,
            )
            outputs.append(buffer.getvalue())
    return outputs


def _page_own_resources(source, page, fonts: dict) -> None:
    resources = page.obj.get("/Resources")
    if not isinstance(resources, Dictionary):
        return  # inherited from the page tree: not how WeasyPrint writes
    instructions = pikepdf.parse_content_stream(page)
    own = Dictionary(
        {key: value for key, value in resources.items() if key != "/XObject"}
    )
    text_in_forms = False
    if "/XObject" in resources:
        drawn = {
            str(instruction.operands[0])
            for instruction in instructions
            if str(instruction.operator) == "Do"
        }
        own.XObject = Dictionary(
            {
                name: resources.XObject[name]
                for name in drawn
                if name in resources.XObject
            }
        )
        text_in_forms = _forms_without_fonts(own.XObject)
    if "/Font" in resources and not text_in_forms:
        own.Font, renumbered = _fonts_for_page(
            source, resources.Font, instructions, fonts
        )
        if renumbered:
            page.obj.Contents = source.make_stream(
                pikepdf.unparse_content_stream(
                    _text_renumbered(instructions, renumbered)
                )
            )
    page.obj.Resources = source.make_indirect(own)


def _forms_without_fonts(xobjects: Dictionary) -> bool:
    """Drop the (shared, batch-wide) font dictionary from the resources of
    the forms a page draws when they draw no text. True if one does."""
    pending = list(xobjects.values())
    seen = set()
    while pending:
        xobject = pending.pop()
        if xobject.objgen in seen or xobject.get("/Subtype") != Name.Form:
            continue
        seen.add(xobject.objgen)
        if pikepdf.parse_content_stream(xobject, "Tf"):
            return True
        resources = xobject.get("/Resources")
        if isinstance(resources, Dictionary):
            if "/Font" in resources:
                xobject.Resources = Dictionary(
                    {k: v for k, v in resources.items() if k != "/Font"}
                )
            pending.extend(resources.get("/XObject", Dictionary()).values())
    return False


def _codes_by_font(instructions) -> dict[str, set[int]]:
    used: dict[str, set[int]] = {}
    font = None
    for instruction in instructions:
        operands, operator = instruction.operands, str(instruction.operator)
        if operator == "Tf":
            font = used.setdefault(str(operands[0]), set())
        elif operator in TEXT_SHOWING and font is not None:
            for text in _strings(operands, operator):
                font.update(_codes(bytes(text)))
    return used


def _strings(operands, operator):
    if operator == "TJ":
        return [item for item in operands[0] if isinstance(item, pikepdf.String)]
    return [operands[-1]]


def _codes(text: bytes) -> tuple[int, ...]:
    return struct.unpack(f">{len(text) // 2}H", text[: len(text) // 2 * 2])


def _fonts_for_page(source, batch_fonts: Dictionary, instructions, fonts: dict):
    """The page's own font dictionary: the fonts it uses, each subset to the
    glyphs it shows where possible, and the renumbering of their codes."""
    own = Dictionary()
    renumbered = {}
    for name, codes in _codes_by_font(instructions).items():
        if name not in batch_fonts:
            continue
        font = batch_fonts[name]
        subset = _font_subset(source, font, codes, fonts)
        if subset is None:
            own[name] = font
        else:
            own[name], renumbered[name] = subset
    return own, renumbered


@dataclass
class _BatchFont:
    """A font of the batch as the pages share it: read once per batch."""

    face: hb.Face | None
    widths: dict[int, float]
    default_width: float
    unicode: dict[int, bytes] | None


def _batch_font(font, fonts: dict) -> _BatchFont:
    if not font.is_indirect:
        return _batch_font_read(font)
    if font.objgen not in fonts:
        fonts[font.objgen] = _batch_font_read(font)
    return fonts[font.objgen]


def _batch_font_read(font) -> _BatchFont:
    unsupported = _BatchFont(None, {}, 1000, None)
    if font.get("/Subtype") != Name.Type0 or font.get("/Encoding") != Name(
        "/Identity-H"
    ):
        return unsupported
    descendant = font.DescendantFonts[0]
    program = descendant.FontDescriptor.get("/FontFile3")
    if (
        descendant.get("/Subtype") != Name.CIDFontType0
        or program is None
        or program.get("/Subtype") != Name.OpenType
    ):
        return unsupported  # only CFF-based (OpenType) CID fonts, as WeasyPrint's
    return _BatchFont(
        face=hb.Face(program.read_bytes()),
        widths=_widths_read(descendant.get("/W", Array())),
        default_width=float(descendant.get("/DW", 1000)),
        unicode=_to_unicode_read(font.get("/ToUnicode")),
    )


def _widths_read(widths: Array) -> dict[int, float]:
    """/W as {code: width}: `c [w1 w2 ...]` and `first last w` forms."""
    items = list(widths)
    result: dict[int, float] = {}
    i = 0
    while i < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], Array):
            for offset, width in enumerate(items[i + 1]):
                result[first + offset] = float(width)
            i += 2
        else:
            for code in range(first, int(items[i + 1]) + 1):
                result[code] = float(items[i + 2])
            i += 3
    return result


def _to_unicode_read(stream) -> dict[int, bytes] | None:
    if stream is None:
        return {}
    data = stream.read_bytes()
    if b"bfrange" in data:
        return None  # not how WeasyPrint writes it: leave such a font alone
    return {
        int(code, 16): text
        for block in BFCHAR.findall(data)
        for code, text in BFCHAR_PAIR.findall(block)
    }


def _font_subset(source, font, codes: set[int], fonts: dict):
    """A copy of ``font`` holding only the glyphs ``codes``, numbered from 1,
    and the renumbering; None where the font is kept as it is."""
    batch = _batch_font(font, fonts)
    old = sorted(codes | {0})
    if batch.face is None or batch.unicode is None or old[-1] >= batch.face.glyph_count:
        return None
    subset_input = hb.SubsetInput()
    subset_input.sets(hb.SubsetInputSets.GLYPH_INDEX).update(old)
    subset_input.flags = SUBSET_FLAGS
    try:
        subset = hb.subset(batch.face, subset_input)
    except RuntimeError:  # HarfBuzz could not subset it
        return None
    if subset.glyph_count != len(old):
        return None  # HarfBuzz added glyphs (composites): the numbering differs
    renumbering = {code: new for new, code in enumerate(old)}
    return _font_copy(source, font, batch, renumbering, subset.blob.data), renumbering


def _font_copy(source, font, batch: _BatchFont, renumbering: dict, program: bytes):
    descendant = font.DescendantFonts[0]
    descriptor = Dictionary(
        {k: v for k, v in descendant.FontDescriptor.items() if k != "/CIDSet"}
    )
    descriptor.FontFile3 = source.make_stream(program, Subtype=Name.OpenType)
    codes = sorted(renumbering, key=renumbering.get)[1:]
    cid_font = Dictionary(dict(descendant.items()))
    cid_font.W = Array(
        [1, Array([batch.widths.get(code, batch.default_width) for code in codes])]
    )
    cid_font.FontDescriptor = source.make_indirect(descriptor)
    copy = Dictionary(dict(font.items()))
    copy.DescendantFonts = Array([source.make_indirect(cid_font)])
    copy.ToUnicode = source.make_stream(_to_unicode(batch.unicode, codes))
    return source.make_indirect(copy)


def _to_unicode(unicode: dict[int, bytes], codes: list[int]) -> bytes:
    pairs = [
        b"<%04x> <%s>" % (new, unicode[code])
        for new, code in enumerate(codes, start=1)
        if code in unicode
    ]
    blocks = []
    for start in range(0, len(pairs), 100):
        batch = pairs[start : start + 100]
        blocks.append(
            b"%d beginbfchar\n%s\nendbfchar\n" % (len(batch), b"\n".join(batch))
        )
    return TO_UNICODE_HEAD + b"".join(blocks) + TO_UNICODE_TAIL


def _text_renumbered(instructions, renumbered: dict[str, dict[int, int]]):
    font = None
    result = []
    for instruction in instructions:
        operands, operator = instruction.operands, instruction.operator
        if str(operator) == "Tf":
            font = renumbered.get(str(operands[0]))
        elif str(operator) in TEXT_SHOWING and font is not None:
            operands = _operands_renumbered(list(operands), str(operator), font)
            instruction = pikepdf.ContentStreamInstruction(operands, operator)
        result.append(instruction)
    return result


def _operands_renumbered(operands: list, operator: str, renumbering: dict) -> list:
    def text(string):
        codes = _codes(bytes(string))
        return pikepdf.String(
            struct.pack(f">{len(codes)}H", *(renumbering[c] for c in codes))
        )

    if operator == "TJ":
        operands[0] = Array(
            text(item) if isinstance(item, pikepdf.String) else item
            for item in operands[0]
        )
    else:
        operands[-1] = text(operands[-1])
    return operands
