"""Batch printing when Celery delivers a chunk task twice (tasks are
acknowledged late: a worker lost after its work, before the acknowledgement,
means the same chunk runs again)."""

import io

import pytest
from pypdf import PdfReader

from personnel.certificates import services
from tests.personnel.certificate_helpers import issue, make_template
from tests.personnel.factories import CadreFactory

NAMES = ["赵一", "钱二", "孙三", "李四", "周五"]


@pytest.fixture
def job(province, hr, monkeypatch):
    """A running print job of five certificates in chunks of two pages,
    with no chunk rendered yet (the chunk tasks are ours to run)."""
    monkeypatch.setattr(services, "PRINT_CHUNK", 2)
    template = make_template()
    for name in NAMES:
        issue(CadreFactory(unit=province["chengguan"], name=name), template)
    monkeypatch.setattr(
        "personnel.tasks.certificate_batch_chunk_task.delay", lambda *args: None
    )
    job = services.batch_print_create(user=hr.user)
    services.batch_print_build(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.total, job.done) == ("running", 5, 0)
    return job


def _progress(job):
    job.refresh_from_db()
    return job.status, job.done, job.chunks_done


def test_a_chunk_delivered_twice_is_counted_once(job):
    services.batch_print_chunk(job_id=job.pk, index=0)
    services.batch_print_chunk(job_id=job.pk, index=0)  # redelivered
    assert _progress(job) == ("running", 2, [0])

    services.batch_print_chunk(job_id=job.pk, index=2)  # the short last chunk
    services.batch_print_chunk(job_id=job.pk, index=2)
    assert _progress(job) == ("running", 3, [0, 2])  # not joined: chunk 1 missing

    services.batch_print_chunk(job_id=job.pk, index=1)
    assert _progress(job) == ("done", 5, [0, 1, 2])
    assert _printed_names(job) == NAMES

    services.batch_print_chunk(job_id=job.pk, index=1)  # after the end: no-op
    assert _progress(job) == ("done", 5, [0, 1, 2])


def test_an_interrupted_join_is_finished_by_the_redelivery(job, monkeypatch):
    services.batch_print_chunk(job_id=job.pk, index=0)
    services.batch_print_chunk(job_id=job.pk, index=1)

    join = services._batch_print_join

    def lost_worker(job):
        raise SystemExit("worker lost while joining")

    monkeypatch.setattr(services, "_batch_print_join", lost_worker)
    with pytest.raises(SystemExit):
        services.batch_print_chunk(job_id=job.pk, index=2)
    assert _progress(job) == ("running", 5, [0, 1, 2])

    monkeypatch.setattr(services, "_batch_print_join", join)
    services.batch_print_chunk(job_id=job.pk, index=2)  # redelivered
    assert _progress(job) == ("done", 5, [0, 1, 2])
    assert _printed_names(job) == NAMES


def _printed_names(job) -> list[str]:
    with job.output.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    texts = [page.extract_text() for page in reader.pages]
    return [next(n for n in NAMES if n in text) for text in texts]
