"""The worker: django-tasks-db's, plus time limits, bounded retries and dead workers' tasks.

django-tasks-db claims a task (RUNNING), runs it and marks it SUCCESSFUL or
FAILED. Three things it does not do, added here:

- a time limit per task (background.tasks.POLICIES; SIGALRM in the worker's
  main thread), so no task runs longer than the limit the reaper relies on;
- retries: a failed attempt goes back to READY with a doubling delay until
  its policy's attempts are used up; then it stays FAILED, with its error, in
  the admin, which can queue it again;
- the reaper: a worker killed mid-task (SIGKILL, a crash, a reboot) leaves its
  task RUNNING for ever (django-tasks#46). Every worker looks, every few
  seconds, for tasks RUNNING longer than their time limit plus a grace period
  and puts them back in the queue (or FAILED, when no attempt is left).
  Tasks are written to be safe to run twice (background.tasks).

The same loop runs background.tasks.periodic_checks(): work that falls due by
the clock alone (a scheduled statement's mail) is queued with no cron.
"""

import logging
import signal
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker
from django_tasks_db.models import DBTaskResult

from .tasks import periodic_checks, policy_for, retry_delay

logger = logging.getLogger(__name__)

REAP_EVERY_SECONDS = 5


class TaskTimeLimitExceeded(Exception):
    pass


@contextmanager
def time_limit(seconds):
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum, frame):
        raise TaskTimeLimitExceeded(f"The task ran longer than {seconds} seconds.")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(int(seconds))
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def attempts(db_task_result):
    """Each attempt's claim appends the worker's id."""
    return len(db_task_result.worker_ids)


def retry_or_fail(db_task_result, exc, fail):
    """After a failed attempt: back to READY later, or `fail(exc)` when none is left."""
    policy = policy_for(db_task_result.task_path)
    done = attempts(db_task_result)
    if done >= policy.max_attempts:
        fail(exc)
        return
    from traceback import format_exception

    db_task_result.status = TaskResultStatus.READY
    db_task_result.run_after = timezone.now() + timedelta(seconds=retry_delay(done))
    # The last error stays visible in the admin while the task waits for its next attempt.
    db_task_result.exception_class_path = f"{type(exc).__module__}.{type(exc).__qualname__}"
    db_task_result.traceback = "".join(format_exception(exc))
    db_task_result.save(update_fields=["status", "run_after", "exception_class_path", "traceback"])
    logger.warning(
        "Task %s (%s) failed on attempt %d of %d; retrying in %ss",
        db_task_result.id,
        db_task_result.task_path,
        done,
        policy.max_attempts,
        retry_delay(done),
    )


def reap_stale_tasks(now=None):
    """Put tasks that dead workers left RUNNING back in the queue; return how many."""
    now = now or timezone.now()
    # Added to a task's time limit before its RUNNING row counts as a dead worker's.
    grace = settings.TASK_STALE_GRACE_SECONDS
    reaped = 0
    for row in DBTaskResult.objects.running().only("id", "task_path", "started_at"):
        policy = policy_for(row.task_path)
        if row.started_at and row.started_at > now - timedelta(seconds=policy.timeout + grace):
            continue
        with transaction.atomic():
            task = (
                DBTaskResult.objects.select_for_update(skip_locked=True)
                .filter(pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at)
                .first()
            )
            if task is None:  # finished meanwhile, or another worker is reaping it
                continue
            lost = RuntimeError(
                f"The worker running this task ({task.worker_ids[-1:]}) stopped without "
                f"finishing it (killed, crashed or rebooted) within {policy.timeout} s."
            )
            if attempts(task) >= policy.max_attempts:
                task.set_failed(lost)
            else:
                task.status = TaskResultStatus.READY
                task.run_after = timezone.now()
                task.exception_class_path = "builtins.RuntimeError"
                task.traceback = str(lost)
                task.save(
                    update_fields=["status", "run_after", "exception_class_path", "traceback"]
                )
            reaped += 1
            logger.warning("Task %s (%s) was left RUNNING; queued again", task.id, task.task_path)
    return reaped


class Worker(DatabaseWorker):
    reap_in_background = True  # tests that run a worker in their own transaction turn it off

    def run(self):
        if self.reap_in_background:
            reaper = threading.Thread(target=self._reap_forever, daemon=True, name="task-reaper")
            reaper.start()
        else:
            reap_stale_tasks()
            periodic_checks()
        super().run()

    def _reap_forever(self):
        while self.running:
            try:
                reap_stale_tasks()
            except Exception:
                logger.exception("Could not look for tasks left RUNNING")
            try:
                periodic_checks()
            except Exception:
                logger.exception("Could not run the periodic checks")
            finally:
                connection.close()  # this thread's own
            time.sleep(REAP_EVERY_SECONDS)

    def run_task(self, db_task_result):
        fail = db_task_result.set_failed
        # django-tasks-db marks any exception FAILED; an attempt that may be retried goes
        # back to the queue instead (the instance's method, for this run only).
        db_task_result.set_failed = lambda exc: retry_or_fail(db_task_result, exc, fail)
        with time_limit(policy_for(db_task_result.task_path).timeout):
            super().run_task(db_task_result)
