"""Tasks that only the tests queue (module-level functions, as django-tasks requires)."""

import time

from django_tasks import task

calls = []


@task()
def always_fails(label):
    calls.append(label)
    raise ConnectionError(f"the mail server refused {label}")


@task()
def fails_once(label):
    calls.append(label)
    if calls.count(label) == 1:
        raise ConnectionError("first attempt fails")
    return f"done {label}"


@task()
def sleeps(seconds):
    time.sleep(seconds)
    return "woke up"
