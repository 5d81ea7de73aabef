"""Several app servers: production refuses per-machine state; /healthz tells the balancer."""

import pytest
from django.db import OperationalError
from django.urls import reverse

from advocacy import health
from tests.security.test_production_settings import manage, production_env

REDIS = "redis://127.0.0.1:6399/0"  # never contacted: the settings only read the URL


def start_check(tmp_path, **overrides):
    result = manage(production_env(tmp_path, **overrides), "check")
    return result.returncode, result.stdout + result.stderr


@pytest.mark.parametrize("cache_url", [None, "locmem://", "file:///tmp/scaleout-cache-never-made"])
def test_several_servers_refuse_a_cache_on_one_machine(tmp_path, cache_url):
    code, output = start_check(
        tmp_path, APP_SERVERS="2", CACHE_URL=cache_url, MEDIA_ROOT_SHARED="1"
    )
    assert code != 0
    assert "APP_SERVERS=2" in output and "set CACHE_URL=redis://" in output


def test_several_servers_refuse_images_on_one_machine(tmp_path):
    code, output = start_check(tmp_path, APP_SERVERS="2", CACHE_URL=REDIS, S3_BUCKET=None)
    assert code != 0
    assert "set S3_BUCKET" in output


def test_several_servers_start_with_redis_and_a_bucket(tmp_path):
    code, output = start_check(
        tmp_path,
        APP_SERVERS="2",
        CACHE_URL=REDIS,
        S3_BUCKET="media",
        S3_ENDPOINT_URL="http://127.0.0.1:8333",
        S3_ACCESS_KEY_ID="k",
        S3_SECRET_ACCESS_KEY="s",
    )
    assert code == 0, output


def test_one_server_keeps_the_embedded_defaults(tmp_path):
    code, output = start_check(tmp_path, APP_SERVERS=None, CACHE_URL=None)
    assert code == 0, output


@pytest.mark.django_db
def test_healthz_answers_200_when_database_and_cache_answer(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert "Set-Cookie" not in response


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    def down():
        raise OperationalError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", down)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable", "cache": "ok"}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_cache_does_not(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["cache"] == "unavailable"
