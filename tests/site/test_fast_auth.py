"""Signed-in users and sessions read through the cache (training_site.auth,
training_site.sessions): as strict as the database, and a cache outage is a
miss, not an error."""

import os
import warnings

import pytest
from django.contrib.sessions.models import Session
from django.test import override_settings

from tests.personnel.factories import PASSWORD
from training_site.auth import user_cache_key

pytestmark = pytest.mark.django_db

BROKEN = {"default": {"BACKEND": "tests.site.broken_cache.BrokenCache"}}


def _signed_in(client_for, learner):
    client = client_for(learner)
    assert client.get("/exams/").status_code == 200
    return client


def test_signed_in_user_is_read_from_the_cache(client_for, learner):
    from django.core.cache import cache

    client = _signed_in(client_for, learner)
    cached = cache.get(user_cache_key(learner.user_id))
    assert cached is not None and cached.pk == learner.user_id
    # The session is in the cache too (and still in the database).
    assert Session.objects.filter(pk=client.session.session_key).exists()


def test_password_change_signs_out_other_sessions(client_for, learner):
    client = _signed_in(client_for, learner)
    learner.user.set_password("Another-2026!")
    learner.user.save()
    response = client.get("/exams/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_deactivated_user_is_signed_out_at_once(client_for, learner):
    client = _signed_in(client_for, learner)
    learner.user.is_active = False
    learner.user.save()
    assert client.get("/exams/").status_code == 302


def test_cache_outage_falls_back_to_the_database(client_for, learner):
    client = client_for(learner)
    with override_settings(CACHES=BROKEN):
        response = client.get("/exams/")
    assert response.status_code == 200
    assert learner.name in response.content.decode()


def test_sign_in_works_while_the_cache_is_down(client, learner):
    with override_settings(CACHES=BROKEN):
        response = client.post(
            "/accounts/login/",
            {"username": learner.user.username, "password": PASSWORD},
        )
        assert response.status_code == 302
        assert client.get("/exams/").status_code == 200


@pytest.mark.skipif(
    not os.environ.get("CELERY_BROKER_URL", "").startswith("redis://"),
    reason="needs the machine's Redis (the PostgreSQL + Redis run)",
)
def test_pooled_redis_cache_keeps_one_client_per_pool():
    from django.core.cache import caches

    location = os.environ["CELERY_BROKER_URL"]
    config = {
        "redis": {
            "BACKEND": "training_site.cache.PooledRedisCache",
            "LOCATION": location,
        }
    }
    with override_settings(CACHES=config):
        redis_cache = caches["redis"]
        redis_cache.set("fast-auth-test", {"n": 1}, 30)
        assert redis_cache.get("fast-auth-test") == {"n": 1}
        client = redis_cache._cache.get_client()
        assert redis_cache._cache.get_client() is client
        redis_cache.delete("fast-auth-test")
        assert redis_cache.get("fast-auth-test") is None
        # Keys memcached could not hold are fine in Redis: no warning.
        odd = "a key with spaces " + "x" * 300
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            redis_cache.set(odd, 7, 30)
            assert redis_cache.get(odd) == 7
        redis_cache.delete(odd)
