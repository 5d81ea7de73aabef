"""The worker: bounded retries with back-off, time limits, dead workers' tasks, the admin."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from background import mail as outgoing
from background import tasks as background_tasks
from background.models import OutgoingMail, WorkerHeartbeat
from background.worker import Worker, reap_stale_tasks
from tests import factories

from . import tasks_for_tests

# Transactional: the worker closes and reopens connections between tasks, as in production.
pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def database_queue(settings):
    settings.TASKS = DATABASE_QUEUE
    settings.TASK_RETRY_DELAY_SECONDS = 30
    tasks_for_tests.calls.clear()


def run_worker():
    """One worker in this process: run what is due, then stop (--batch)."""
    worker = Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id="test-worker", excluded_queue_names=[],
    )  # fmt: skip
    worker.reap_in_background = False
    worker.run()


def make_due(row):
    DBTaskResult.objects.filter(pk=row.pk).update(run_after=timezone.now())


def test_a_failed_attempt_is_retried_later_with_a_growing_delay():
    queued = tasks_for_tests.always_fails.enqueue("digest")
    before = timezone.now()
    run_worker()
    row = DBTaskResult.objects.get(pk=queued.id)
    assert row.status == "READY"
    assert len(row.worker_ids) == 1
    assert "ConnectionError" in row.exception_class_path  # the error is kept meanwhile
    first_delay = (row.run_after - before).total_seconds()
    assert 29 <= first_delay <= 32

    make_due(row)
    before = timezone.now()
    run_worker()
    row.refresh_from_db()
    assert row.status == "READY"
    assert 59 <= (row.run_after - before).total_seconds() <= 62


def test_after_the_last_attempt_the_task_stays_failed_with_its_error():
    queued = tasks_for_tests.always_fails.enqueue("digest")
    for _ in range(background_tasks.Policy().max_attempts):
        make_due(DBTaskResult.objects.get(pk=queued.id))
        run_worker()
    row = DBTaskResult.objects.get(pk=queued.id)
    assert row.status == "FAILED"
    assert tasks_for_tests.calls == ["digest"] * 5
    assert "the mail server refused digest" in row.traceback
    run_worker()  # nothing more is attempted
    assert len(tasks_for_tests.calls) == 5


def test_a_task_that_fails_once_succeeds_on_its_retry():
    queued = tasks_for_tests.fails_once.enqueue("image")
    run_worker()
    make_due(DBTaskResult.objects.get(pk=queued.id))
    run_worker()
    row = DBTaskResult.objects.get(pk=queued.id)
    assert row.status == "SUCCESSFUL"
    assert row.return_value == "done image"


def test_a_task_over_its_time_limit_is_stopped_and_retried(settings):
    settings.TASK_TIMEOUT_SECONDS = 1
    queued = tasks_for_tests.sleeps.enqueue(5)
    started = timezone.now()
    run_worker()
    assert (timezone.now() - started).total_seconds() < 3
    row = DBTaskResult.objects.get(pk=queued.id)
    assert row.status == "READY"
    assert "TaskTimeLimitExceeded" in row.exception_class_path


def test_a_task_a_dead_worker_left_running_is_run_again_after_the_time_limit(settings):
    settings.TASK_TIMEOUT_SECONDS = 60
    queued = tasks_for_tests.fails_once.enqueue("x")
    tasks_for_tests.calls.append("x")  # the dead worker's attempt, which never finished
    DBTaskResult.objects.filter(pk=queued.id).update(
        status="RUNNING", started_at=timezone.now() - timedelta(seconds=60), worker_ids=["dead"]
    )
    assert reap_stale_tasks() == 0  # within the limit and its grace: maybe still running
    later = timezone.now() + timedelta(seconds=31)
    assert reap_stale_tasks(now=later) == 1
    row = DBTaskResult.objects.get(pk=queued.id)
    assert row.status == "READY"
    assert "stopped without finishing" in row.traceback
    run_worker()
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"
    assert row.worker_ids == ["dead", "test-worker"]


def test_a_dead_workers_last_attempt_ends_failed(settings):
    settings.TASK_TIMEOUT_SECONDS = 1
    queued = tasks_for_tests.fails_once.enqueue("y")
    DBTaskResult.objects.filter(pk=queued.id).update(
        status="RUNNING", started_at=timezone.now() - timedelta(hours=1), worker_ids=["d"] * 5
    )
    assert reap_stale_tasks() == 1
    assert DBTaskResult.objects.get(pk=queued.id).status == "FAILED"


def running_import(worker_id, started_ago):
    """A WordPress import (a three-hour time limit) that `worker_id` took `started_ago` ago."""
    queued = background_tasks.run_wordpress_import.enqueue("6d3f4b0e-0000-4000-8000-000000000000")
    DBTaskResult.objects.filter(pk=queued.id).update(
        status="RUNNING", started_at=timezone.now() - started_ago, worker_ids=[worker_id]
    )
    return queued.id


def heartbeat(worker_id, *, started_ago, beat_ago):
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id=worker_id, started_at=now - started_ago, beat_at=now - beat_ago
    )


def test_an_import_whose_worker_stopped_beating_runs_again_long_before_its_time_limit(settings):
    settings.TASK_TIMEOUT_SECONDS = 60
    settings.TASK_STALE_GRACE_SECONDS = 5
    task = running_import("killed-by-a-deploy", started_ago=timedelta(minutes=20))
    heartbeat("killed-by-a-deploy", started_ago=timedelta(hours=1), beat_ago=timedelta(minutes=2))
    assert reap_stale_tasks() == 1
    row = DBTaskResult.objects.get(pk=task)
    assert row.status == "READY"
    assert "stopped without finishing" in row.traceback


def test_a_task_whose_worker_still_beats_is_left_running(settings):
    settings.TASK_TIMEOUT_SECONDS = 60
    task = running_import("busy", started_ago=timedelta(minutes=20))
    heartbeat("busy", started_ago=timedelta(hours=1), beat_ago=timedelta(seconds=3))
    assert reap_stale_tasks() == 0
    assert DBTaskResult.objects.get(pk=task).status == "RUNNING"


def test_a_dead_workers_task_waits_until_what_it_claimed_inside_is_free(settings):
    """Its mails and deliveries stay claimed for TASK_TIMEOUT_SECONDS after it died: a run
    before that would skip them as being sent by someone else."""
    settings.TASK_TIMEOUT_SECONDS = 60
    settings.TASK_STALE_GRACE_SECONDS = 5
    task = running_import("just-died", started_ago=timedelta(minutes=20))
    heartbeat("just-died", started_ago=timedelta(hours=1), beat_ago=timedelta(seconds=40))
    assert reap_stale_tasks() == 0  # silent for 40 s: gone, but its claims are 35 s old
    assert reap_stale_tasks(now=timezone.now() + timedelta(seconds=31)) == 1
    assert DBTaskResult.objects.get(pk=task).status == "READY"


def test_a_worker_restarted_under_the_same_id_gets_its_predecessors_task_back(settings):
    settings.TASK_TIMEOUT_SECONDS = 60
    settings.TASK_STALE_GRACE_SECONDS = 5
    task = running_import("host-1", started_ago=timedelta(minutes=20))
    # The same id (deploy/advocacy-worker@.service), beating, but started after it took it.
    heartbeat("host-1", started_ago=timedelta(minutes=2), beat_ago=timedelta(seconds=1))
    # Found by the restarted worker itself: taken before it started, so not its own.
    assert reap_stale_tasks(own=("host-1", timezone.now() - timedelta(minutes=2))) == 1
    assert DBTaskResult.objects.get(pk=task).status == "READY"


def test_a_workers_own_tasks_are_never_taken_from_it_by_its_heartbeat(settings):
    settings.TASK_TIMEOUT_SECONDS = 60
    task = running_import("me", started_ago=timedelta(minutes=20))
    heartbeat("me", started_ago=timedelta(hours=1), beat_ago=timedelta(minutes=10))
    started = timezone.now() - timedelta(hours=1)
    assert reap_stale_tasks(own=("me", started)) == 0
    assert DBTaskResult.objects.get(pk=task).status == "RUNNING"


def test_a_running_worker_records_its_heartbeat():
    before = timezone.now()
    run_worker()
    beat = WorkerHeartbeat.objects.get(worker_id="test-worker")
    assert beat.started_at >= before
    assert beat.beat_at >= beat.started_at


def test_failed_tasks_are_listed_in_the_admin_and_can_be_queued_again(client, settings):
    from django.contrib.auth import get_user_model

    admin_user = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin_user)
    queued = tasks_for_tests.always_fails.enqueue("export")
    DBTaskResult.objects.filter(pk=queued.id).update(worker_ids=["w"] * 4)
    run_worker()
    assert DBTaskResult.objects.get(pk=queued.id).status == "FAILED"

    changelist = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    page = client.get(changelist + "?status__exact=FAILED").content.decode()
    assert "always_fails" in page and "ConnectionError" in page
    detail = client.get(
        reverse("admin:django_tasks_database_dbtaskresult_change", args=[queued.id])
    ).content.decode()
    assert "the mail server refused export" in detail

    response = client.post(
        changelist, {"action": "requeue", "_selected_action": [str(queued.id)]}, follow=True
    )
    assert "1 task queued again." in response.content.decode()
    row = DBTaskResult.objects.get(pk=queued.id)
    assert row.status == "READY" and row.worker_ids == []


def test_editors_cannot_queue_tasks_again(client):
    editor = factories.make_editor("eddie")
    client.force_login(editor)
    changelist = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    assert client.get(changelist).status_code == 403


def test_a_mail_is_sent_once_however_often_its_task_runs(settings):
    queued = outgoing.queue("digest:1", subject="2 comments", body="…", recipients=["m@x.org"])
    assert outgoing.deliver(queued.pk) is True
    assert outgoing.deliver(queued.pk) is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"].startswith("<digest.1@")
    assert OutgoingMail.objects.get().sent_at is not None


def test_a_mail_a_dead_worker_was_sending_is_sent_after_the_time_limit(settings):
    settings.TASK_TIMEOUT_SECONDS = 60
    queued = outgoing.queue("digest:2", subject="s", body="b", recipients=["m@x.org"])
    OutgoingMail.objects.filter(pk=queued.pk).update(claimed_at=timezone.now())
    assert outgoing.deliver(queued.pk) is False  # another worker may be sending it
    OutgoingMail.objects.filter(pk=queued.pk).update(
        claimed_at=timezone.now() - timedelta(seconds=61)
    )
    assert outgoing.deliver(queued.pk) is True
    assert len(mail.outbox) == 1


def test_the_digest_task_sends_a_digest_a_killed_run_left_unsent(statement_with_comment):
    from comments import notifications

    comment_ids = statement_with_comment
    # A run that committed its mail and was killed before sending it.
    OutgoingMail.objects.create(
        key=f"{notifications.DIGEST_KEY}killed", subject="1 comment awaiting moderation",
        body="…", recipients=["m@example.org"], about={"comments": comment_ids},
    )  # fmt: skip
    notifications.send_digest()
    assert [m.subject for m in mail.outbox] == ["1 comment awaiting moderation"]


@pytest.fixture
def statement_with_comment():
    from comments.models import Comment
    from tests.comments.conftest import make_comment

    statement = factories.make_published("Waiting")
    comment = make_comment(statement, status=Comment.Status.PENDING)
    Comment.objects.filter(pk=comment.pk).update(moderators_notified_at=timezone.now())
    return [comment.pk]


def test_the_admin_lists_the_workers_and_which_are_running(client):
    heartbeat("web-1-worker", started_ago=timedelta(hours=2), beat_ago=timedelta(seconds=2))
    heartbeat("web-2-worker", started_ago=timedelta(hours=2), beat_ago=timedelta(minutes=5))
    client.force_login(factories.make_user("root", staff=True, is_superuser=True))
    page = client.get(reverse("admin:background_workerheartbeat_changelist")).content.decode()
    rows = {
        worker: page.split(worker, 1)[1].split("</tr>", 1)[0]
        for worker in ("web-1-worker", "web-2-worker")
    }
    assert 'alt="True"' in rows["web-1-worker"]
    assert 'alt="False"' in rows["web-2-worker"]
