"""Seal and frame images drawn with Pillow.

The frame is one image per orientation (A4 and A5 share the same aspect
ratio), so a page draws one picture instead of laying out many boxes. The
seal is drawn for the demo; real units upload a scan of their own seal.
"""

import io
import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ASSETS = Path(__file__).resolve().parent / "assets"
SEAL_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
SEAL_FONT_INDEX = 2  # Simplified Chinese face inside the collection
RED = (200, 22, 29)
GOLD = (201, 160, 74)
PAPER = (255, 253, 246)


def seal_png(text: str, *, size: int = 480, centre_text: str = "") -> bytes:
    """A round red seal: text around the upper rim, a star, optional text."""
    scale = 2  # draw large, then downsample for smooth edges
    side = size * scale
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    margin = side * 0.03
    draw.ellipse(
        (margin, margin, side - margin, side - margin),
        outline=RED + (255,),
        width=int(side * 0.035),
    )
    _draw_star(draw, side / 2, side / 2, side * 0.16)
    _draw_rim_text(image, text, side)
    if centre_text:
        font = ImageFont.truetype(SEAL_FONT, int(side * 0.075), index=SEAL_FONT_INDEX)
        draw.text(
            (side / 2, side * 0.74),
            centre_text,
            font=font,
            fill=RED + (255,),
            anchor="mm",
        )
    image = image.resize((size, size), Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _draw_star(draw, cx, cy, radius):
    points = []
    for i in range(10):
        angle = -math.pi / 2 + i * math.pi / 5
        r = radius if i % 2 == 0 else radius * 0.382
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    draw.polygon(points, fill=RED + (255,))


def _draw_rim_text(image, text, side):
    font = ImageFont.truetype(SEAL_FONT, int(side * 0.1), index=SEAL_FONT_INDEX)
    count = len(text)
    if not count:
        return
    sweep = min(250.0, 22.0 * count)  # degrees the text spans, centred on top
    radius = side * 0.36
    glyph_side = int(side * 0.14)
    for i, char in enumerate(text):
        angle = -sweep / 2 + sweep * (i + 0.5) / count  # 0 is straight up
        glyph = Image.new("RGBA", (glyph_side, glyph_side), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text(
            (glyph_side / 2, glyph_side / 2),
            char,
            font=font,
            fill=RED + (255,),
            anchor="mm",
        )
        glyph = glyph.rotate(-angle, resample=Image.BICUBIC)
        theta = math.radians(angle - 90)
        x = side / 2 + radius * math.cos(theta) - glyph_side / 2
        y = side / 2 + radius * math.sin(theta) - glyph_side / 2
        image.alpha_composite(glyph, (int(x), int(y)))


def frame_png(*, landscape: bool = True, width: int = 1754) -> bytes:
    """The decorated border of a certificate at about 150 dpi."""
    height = round(width / math.sqrt(2))
    image = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(image)
    mm = width / 297
    outer = round(9 * mm)
    band = round(2.4 * mm)
    draw.rectangle((0, 0, width, height), fill=(250, 244, 228))
    draw.rectangle((outer, outer, width - outer, height - outer), fill=RED)
    inset = outer + band
    draw.rectangle((inset, inset, width - inset, height - inset), fill=PAPER)
    gold = inset + round(2.2 * mm)
    draw.rectangle(
        (gold, gold, width - gold, height - gold), outline=GOLD, width=round(0.6 * mm)
    )
    _draw_corners(draw, width, height, gold + round(2.5 * mm), round(15 * mm), mm)
    if not landscape:
        image = image.rotate(90, expand=True)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _draw_corners(draw, width, height, offset, length, mm):
    line = round(0.9 * mm)
    for x, y, dx, dy in (
        (offset, offset, 1, 1),
        (width - offset, offset, -1, 1),
        (offset, height - offset, 1, -1),
        (width - offset, height - offset, -1, -1),
    ):
        draw.line((x, y, x + dx * length, y), fill=GOLD, width=line)
        draw.line((x, y, x, y + dy * length), fill=GOLD, width=line)
        diamond = 2.2 * mm
        cx, cy = x + dx * 5 * mm, y + dy * 5 * mm
        draw.polygon(
            [
                (cx, cy - diamond),
                (cx + diamond, cy),
                (cx, cy + diamond),
                (cx - diamond, cy),
            ],
            fill=GOLD,
        )


def assets_write() -> None:
    """Regenerate the committed frame images (run by hand after changes)."""
    ASSETS.mkdir(exist_ok=True)
    (ASSETS / "frame-landscape.png").write_bytes(frame_png(landscape=True))
    (ASSETS / "frame-portrait.png").write_bytes(frame_png(landscape=False))
    (ASSETS / "demo-seal.png").write_bytes(
        seal_png("甘肃省生态环境厅", centre_text="培训专用章")
    )
