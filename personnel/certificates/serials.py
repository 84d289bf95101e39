"""Certificate numbers: sequential per (prefix, year), without gaps.

The counter row is locked (SELECT ... FOR UPDATE) and advanced inside the
issuing transaction, so a number is only used up if the certificate that
carries it commits; concurrent issuers queue on the row lock.
"""

from django.conf import settings
from django.db import transaction

from ..models import SerialCounter

DEFAULT_PATTERN = "{prefix}-{year}-{number:06d}"


def serial_format(*, prefix: str, year: int, number: int) -> str:
    pattern = getattr(settings, "CERTIFICATE_SERIAL_PATTERN", DEFAULT_PATTERN)
    return pattern.format(prefix=prefix, year=year, number=number)


def serials_allocate(*, prefix: str, year: int, count: int) -> list[str]:
    """Hand out ``count`` consecutive numbers; call inside the issuing
    transaction so that a rollback gives them back."""
    if count <= 0:
        return []
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("serials_allocate must run inside transaction.atomic()")
    # Create the row if this (prefix, year) is new; racing creators do not
    # fail (ON CONFLICT DO NOTHING) and then queue on the row lock below.
    SerialCounter.objects.bulk_create(
        [SerialCounter(prefix=prefix, year=year)], ignore_conflicts=True
    )
    counter = SerialCounter.objects.select_for_update().get(prefix=prefix, year=year)
    first = counter.last_number + 1
    counter.last_number += count
    counter.save(update_fields=["last_number"])
    return [
        serial_format(prefix=prefix, year=year, number=number)
        for number in range(first, first + count)
    ]
