"""QR codes for certificates, as small PNG data URIs.

One pixel per module: the PDF scales the picture up without smoothing
(``image-rendering: pixelated``), so the code stays sharp at any size.
A PNG is drawn as one image; an SVG QR code would be drawn path point by
path point, which made it half the cost of writing a certificate.
"""

import segno


def qr_data_uri(url: str) -> str:
    """Return a PNG data URI of a QR code encoding ``url``.

    Error correction "M" survives a crease or a stamp over a corner; the
    quiet zone (border) is kept so phone cameras find the code.
    """
    code = segno.make(url, error="m", micro=False)
    return code.png_data_uri(scale=1, border=2, dark="#1a1a1a")
