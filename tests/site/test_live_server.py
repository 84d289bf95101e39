"""The test suite's live server (browser tests) takes requests that arrive
together, as a browser sends them, on either database."""

import time
from concurrent.futures import ThreadPoolExecutor
from urllib.error import HTTPError
from urllib.request import urlopen

from django.db import transaction
from django.http import HttpResponse
from django.urls import path

from personnel.models import Unit


def _in_a_transaction(request):
    with transaction.atomic():
        count = Unit.objects.count()
        time.sleep(0.01)
    return HttpResponse(str(count))


urlpatterns = [path("tx/", _in_a_transaction)]


def _status(url):
    try:
        with urlopen(url, timeout=10) as response:  # noqa: S310 (live server, http)
            return response.status
    except HTTPError as error:
        return error.code


def test_requests_at_once_each_get_their_transaction(live_server, settings):
    settings.ROOT_URLCONF = __name__
    url = f"{live_server.url}/tx/"
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: _status(url), range(24)))
    assert statuses == [200] * 24
