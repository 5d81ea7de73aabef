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
  seconds, for tasks whose worker is gone and puts them back in the queue (or
  FAILED, when no attempt is left). Gone means: RUNNING longer than the task's
  time limit plus a grace period; or its worker stopped beating
  (WorkerHeartbeat, every HEARTBEAT_SECONDS) or restarted since, and the
  rows that worker may have claimed inside the task (a mail, a batch of
  deliveries: claims expire after TASK_TIMEOUT_SECONDS) are free again. So
  an import (a three-hour limit) killed by a deploy runs again within
  minutes, and no mail is skipped as "someone else is sending it".
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

from .models import WorkerHeartbeat
from .tasks import periodic_checks, policy_for, retry_delay

logger = logging.getLogger(__name__)

REAP_EVERY_SECONDS = 5
HEARTBEAT_SECONDS = 5
# Missed beats before a worker counts as gone (a busy database may delay a few).
HEARTBEAT_MISSED = 6


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


def is_alive(heartbeat, now=None):
    """Whether this worker beat recently enough to count as running."""
    now = now or timezone.now()
    return heartbeat.beat_at >= now - timedelta(seconds=HEARTBEAT_SECONDS * HEARTBEAT_MISSED)


def _gone_since(row, heartbeat, now):
    """When the worker running `row` stopped, by its heartbeat; None if it is alive or unknown."""
    if heartbeat is None:
        return None  # a worker that never beat (an older version): the time limit decides
    if row.started_at and heartbeat.started_at > row.started_at:
        return heartbeat.started_at  # restarted under the same id since it took the task
    if not is_alive(heartbeat, now):
        return heartbeat.beat_at + timedelta(seconds=HEARTBEAT_SECONDS)
    return None


def is_abandoned(row, heartbeat, now):
    """Whether `row`, RUNNING, is a dead worker's task that another may run again now."""
    grace = timedelta(seconds=settings.TASK_STALE_GRACE_SECONDS)
    policy = policy_for(row.task_path)
    if not row.started_at or row.started_at <= now - timedelta(seconds=policy.timeout) - grace:
        return True
    gone = _gone_since(row, heartbeat, now)
    # What the dead worker claimed inside the task is free once its claims expire.
    return (
        gone is not None and gone <= now - timedelta(seconds=settings.TASK_TIMEOUT_SECONDS) - grace
    )


def reap_stale_tasks(now=None, *, own=None):
    """Put tasks that dead workers left RUNNING back in the queue; return how many.

    `own`: the calling worker's (id, start time). Tasks it took since it started
    are alive whatever its heartbeat row says (a beat that a busy SQLite file
    delayed); its time limit stops them. Tasks under its id taken before it
    started are a predecessor's that died.
    """
    now = now or timezone.now()
    rows = list(DBTaskResult.objects.running().only("id", "task_path", "started_at", "worker_ids"))
    heartbeats = WorkerHeartbeat.objects.in_bulk(
        {row.worker_ids[-1] for row in rows if row.worker_ids}
    )
    reaped = 0
    for row in rows:
        worker = row.worker_ids[-1] if row.worker_ids else None
        ours = own is not None and worker == own[0] and row.started_at >= own[1]
        heartbeat = None if ours else heartbeats.get(worker)
        if not is_abandoned(row, heartbeat, now):
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
                f"finishing it (killed, crashed or rebooted)."
            )
            if attempts(task) >= policy_for(task.task_path).max_attempts:
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


def beat(worker_id, started_at):
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id, defaults={"started_at": started_at, "beat_at": timezone.now()}
    )


def forget_old_heartbeats():
    WorkerHeartbeat.objects.filter(beat_at__lt=timezone.now() - timedelta(days=7)).delete()


class Worker(DatabaseWorker):
    reap_in_background = True  # tests that run a worker in their own transaction turn it off

    def run(self):
        self.process_started_at = timezone.now()
        beat(self.worker_id, self.process_started_at)
        connection.close()  # the heartbeat thread and the task loop each open their own
        if self.reap_in_background:
            for target, name in (
                (self._beat_forever, "heartbeat"),
                (self._reap_forever, "reaper"),
            ):
                threading.Thread(target=target, daemon=True, name=f"task-{name}").start()
        else:
            reap_stale_tasks(own=(self.worker_id, self.process_started_at))
            periodic_checks()
        super().run()

    def _beat_forever(self):
        # Its own thread: a slow periodic check must not make a live worker look dead. It
        # beats as long as the process lives, through a graceful stop's last task too.
        while True:
            time.sleep(HEARTBEAT_SECONDS)
            try:
                beat(self.worker_id, self.process_started_at)
            except Exception:
                logger.exception("Could not record this worker's heartbeat")
            finally:
                connection.close()

    def _reap_forever(self):
        while self.running:
            try:
                reap_stale_tasks(own=(self.worker_id, self.process_started_at))
            except Exception:
                logger.exception("Could not look for tasks left RUNNING")
            try:
                periodic_checks()
                forget_old_heartbeats()
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
