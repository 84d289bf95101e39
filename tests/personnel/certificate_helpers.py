"""Fixtures and helpers shared by the certificate tests."""

import datetime as dt
import io
import subprocess
from decimal import Decimal
from pathlib import Path

from django.core.files.images import ImageFile
from wagtail.images import get_image_model

from personnel.certificates import services
from personnel.certificates.artwork import ASSETS
from personnel.models import CertificateTemplate

BODY = (
    "{name} 同志：\n"
    "于 {start_date} 至 {end_date} 参加{subject}，共计 {hours} 学时，"
    "考核成绩 {score} 分，成绩合格，特发此证。"
)


def seal_image():
    data = (ASSETS / "demo-seal.png").read_bytes()
    return get_image_model().objects.create(
        title="测试印章", file=ImageFile(io.BytesIO(data), name="seal.png")
    )


def make_template(**fields):
    fields = {
        "name": "培训合格证书（测试）",
        "title": "培训合格证书",
        "body": BODY,
        "issuing_organisation": "甘肃省生态环境厅",
        **fields,
    }
    if "seal" not in fields:
        fields["seal"] = seal_image()
    return CertificateTemplate.objects.create(**fields)


TITLE = "生态环境执法能力提升培训班"


def issue(cadre, template, *, subject_id="42", title=TITLE, **kw):
    return services.certificate_issue(
        cadre_id=cadre.pk,
        template_id=template.pk,
        subject_type=kw.pop("subject_type", "class"),
        subject_id=subject_id,
        subject_title=title,
        hours=kw.pop("hours", Decimal("40")),
        score=kw.pop("score", Decimal("92.5")),
        completed_on=kw.pop("completed_on", dt.date(2026, 3, 5)),
        started_on=kw.pop("started_on", dt.date(2026, 3, 1)),
        **kw,
    )


def issue_rendered(cadre, template, capture, **kw):
    """Issue and run the on-commit render, as a worker would."""
    with capture(execute=True):
        certificate = issue(cadre, template, **kw)
    certificate.refresh_from_db()
    return certificate


def pdf_path(certificate, tmp_path) -> Path:
    path = tmp_path / f"{certificate.serial}.pdf"
    with certificate.pdf.open("rb") as handle:
        path.write_bytes(handle.read())
    return path


def pdftotext(path: Path) -> str:
    return subprocess.run(  # noqa: S603
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def pdffonts(path: Path) -> str:
    return subprocess.run(  # noqa: S603
        ["pdffonts", str(path)],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
