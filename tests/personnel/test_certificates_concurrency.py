"""Serial numbers under concurrency: PostgreSQL only (real row locks)."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from personnel.certificates import services
from personnel.certificates.services import Award
from personnel.models import Certificate, SerialCounter
from tests.personnel.certificate_helpers import make_template
from tests.personnel.factories import CadreFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks"
    ),
]


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_gives_gap_free_unique_serials(province):
    template = make_template()
    cadres = [CadreFactory(unit=province["qinzhou"]) for _ in range(24)]
    barrier = threading.Barrier(8)
    errors = []

    def worker(index):
        try:
            barrier.wait()
            mine = cadres[index * 3 : index * 3 + 3]
            if index % 2:
                services.certificates_issue_bulk(
                    template_id=template.pk,
                    subject_type="exam",
                    subject_id="7",
                    subject_title="执法考试",
                    awards=[
                        Award(c.pk, dt.date(2026, 3, 5), None, Decimal("90"))
                        for c in mine
                    ],
                )
            else:
                for cadre in mine:
                    services.certificate_issue(
                        cadre_id=cadre.pk,
                        template_id=template.pk,
                        subject_type="exam",
                        subject_id="7",
                        subject_title="执法考试",
                        hours=None,
                        score=Decimal("90"),
                        completed_on=dt.date(2026, 3, 5),
                    )
            # The same people again, racing: nothing new may be issued.
            services.certificate_issue(
                cadre_id=cadres[(index * 3 + 5) % 24].pk,
                template_id=template.pk,
                subject_type="exam",
                subject_id="7",
                subject_title="执法考试",
                hours=None,
                score=Decimal("90"),
                completed_on=dt.date(2026, 3, 5),
            )
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    numbers = sorted(
        int(serial.rsplit("-", 1)[1])
        for serial in Certificate.objects.values_list("serial", flat=True)
    )
    assert numbers == list(range(1, 25))
    assert SerialCounter.objects.get().last_number == 24
    assert Certificate.objects.values("cadre").distinct().count() == 24
