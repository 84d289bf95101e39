"""QR codes for certificates, as small PNG data URIs.

One pixel per module: the PDF scales the picture up without smoothing
(``image-rendering: pixelated``), so the code stays sharp at any size.
A PNG is drawn as one image; an SVG QR code would be drawn path point by
path point, which made it half the cost of writing a certificate.

The symbol is encoded by zxing-cpp (C++), which picks the mask pattern by
the standard's penalty rules like any encoder; segno, in pure Python, spent
about 6 ms a certificate doing the same, a fifth of issuing one.
"""

import base64
import io

import zxingcpp
from PIL import Image, ImageOps

DARK = 0x1A  # near-black, as printed on the rest of the certificate
QUIET_ZONE = 2  # modules of white around the symbol
LEVELS = [DARK] * 128 + [255] * 128  # zxing-cpp draws modules 0 and 255


def qr_png(url: str) -> bytes:
    """A greyscale PNG of a QR code encoding ``url``, one pixel per module.

    Error correction "M" survives a crease or a stamp over a corner; a
    quiet zone is kept so phone cameras find the code.
    """
    symbol = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    modules = symbol.to_image(scale=1, add_quiet_zones=False)
    height, width = modules.shape
    image = Image.frombuffer(
        "L", (width, height), memoryview(modules), "raw", "L", 0, 1
    )
    image = image.point(LEVELS)
    image = ImageOps.expand(image, border=QUIET_ZONE, fill=255)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def qr_data_uri(url: str) -> str:
    """Return a PNG data URI of a QR code encoding ``url``."""
    return "data:image/png;base64," + base64.b64encode(qr_png(url)).decode("ascii")
