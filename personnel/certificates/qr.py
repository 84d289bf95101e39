"""QR codes for certificates: an SVG data URI WeasyPrint embeds directly."""

import segno


def qr_data_uri(url: str) -> str:
    """Return an SVG data URI of a QR code encoding ``url``.

    Error correction "M" survives a crease or a stamp over a corner; the
    quiet zone (border) is kept so phone cameras find the code.
    """
    code = segno.make(url, error="m", micro=False)
    return code.svg_data_uri(scale=4, border=2, dark="#1a1a1a")
