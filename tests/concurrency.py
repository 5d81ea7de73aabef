"""Running requests or database work in threads at once, for the race tests."""

import threading

import pytest
from django.db import connection


def run_in_threads(*targets):
    """Run each target in a thread of its own (its own connection); re-raise nothing silently."""
    errors = []

    def wrap(target):
        def run():
            try:
                target()
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                connection.close()

        return run

    threads = [threading.Thread(target=wrap(t)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors


def needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serializes them)")
