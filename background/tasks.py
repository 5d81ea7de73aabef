"""Everything that runs in the background, and how each is retried: the only list.

Work a visitor or an editor need not wait for runs here, in a worker process
(`manage.py worker`), from a queue kept in the site's own database
(django-tasks with its database backend): the moderators' and Editors' mail, the smaller
copies of an uploaded photo, purges of a CDN's cache, invalidations of
cached pages the cache did not take, WordPress imports started in the admin, and
the exports staff ask for there. The task functions
only call into the module that owns each rule.

Every task is safe to run twice: a worker killed mid-task (SIGKILL, a crash, a
reboot) leaves its task RUNNING, and background.worker runs it again once the
worker's heartbeat has stopped (or its time limit has passed).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django_tasks import task, task_backends
from django_tasks_db import DatabaseBackend


@dataclass(frozen=True)
class Policy:
    max_attempts: int = 5
    # The worker stops a task after this many seconds (and runs it again, if attempts
    # remain); a task RUNNING for longer than this plus a grace period is a dead worker's.
    timeout: int | None = None


def enqueue(task_, *args, **kwargs):
    """Queue `task_`, with the data the caller is writing.

    With the database backend the task's row is written in the caller's
    transaction: it commits (or rolls back) with the comment or image it is
    about, and no web process dying after the commit can lose it. Any other
    backend (the tests' immediate one) gets it once the transaction commits.
    """
    if isinstance(task_backends[task_.backend], DatabaseBackend):
        return task_.enqueue(*args, **kwargs)
    transaction.on_commit(lambda: task_.enqueue(*args, **kwargs))
    return None


@task()
def send_moderation_digest():
    from comments import notifications

    return notifications.send_digest(raise_errors=True)


@task()
def send_review_digest():
    from editing import reviews

    return reviews.notify_editors(raise_errors=True)


@task()
def make_image_renditions(image_id):
    from statements import images

    return images.make_stored_renditions(image_id)


@task()
def purge_cdn(tags):
    from advocacy import cdn

    return cdn.purge(tags)


@task()
def retry_page_invalidation(tags):
    from advocacy import pagecache

    pagecache.bump(tags)  # an error: the cache still does not answer; retried later


@task()
def run_wordpress_import(run_id):
    from wordpress import runs

    return runs.perform(run_id)


@task()
def build_export(export_id):
    """An export staff asked for in the admin (exports.runs): subscribers, or one address's data."""
    from exports import runs

    return runs.perform(export_id)


@task()
def deliver_mail(mail_id):
    """One recorded mail (background.mail), e.g. a subscriber's confirmation."""
    from . import mail

    return mail.deliver(mail_id)


@task()
def send_statement_mail(mailing_id):
    from subscriptions import sending

    return sending.send_statement(mailing_id)


@task()
def send_digest_mail(digest_id):
    from subscriptions import sending

    return sending.send_digest(digest_id)


@task()
def notify_reply_followers(comment_id):
    """An approved reply: mail the commenters who asked for replies (subscriptions.replies)."""
    from subscriptions import replies

    return replies.notify(comment_id)


@task()
def send_test_mail(statement_id, email):
    """ "Send a test to me" in the admin: one statement's mail to one staff member."""
    from subscriptions import sending

    return sending.send_test(statement_id, email)


def periodic_checks():
    """What the worker checks itself every few seconds (background.worker), with no cron.

    Each check only does work when something is due: the mail of statements
    whose scheduled time came (subscriptions.clock), and exports past their time.
    """
    from exports import runs
    from subscriptions import clock

    clock.check()
    runs.purge_expired()


POLICIES = {
    send_moderation_digest.module_path: Policy(max_attempts=5),
    send_review_digest.module_path: Policy(max_attempts=5),
    make_image_renditions.module_path: Policy(max_attempts=3),
    purge_cdn.module_path: Policy(max_attempts=6),
    # Until the cache answers again: 30 s, 1, 2, 4 … minutes, for about three hours.
    retry_page_invalidation.module_path: Policy(max_attempts=10),
    # Long: thousands of posts and their photos. A second run adds nothing twice.
    run_wordpress_import.module_path: Policy(max_attempts=2, timeout=3 * 3600),
    build_export.module_path: Policy(max_attempts=3, timeout=1800),
    deliver_mail.module_path: Policy(max_attempts=6),
    # A mail server that is down is waited for: about a day of retries (at most an hour
    # apart); each retry resumes where the last one stopped (subscriptions.sending).
    send_statement_mail.module_path: Policy(max_attempts=30),
    send_digest_mail.module_path: Policy(max_attempts=30),
    send_test_mail.module_path: Policy(max_attempts=2),
    notify_reply_followers.module_path: Policy(max_attempts=6),
}


def policy_for(task_path):
    policy = POLICIES.get(task_path, Policy())
    return Policy(
        max_attempts=policy.max_attempts,
        timeout=policy.timeout or settings.TASK_TIMEOUT_SECONDS,
    )


def retry_delay(attempt):
    """Seconds before attempt `attempt + 1`: doubling from TASK_RETRY_DELAY_SECONDS, at most an hour."""
    return min(settings.TASK_RETRY_DELAY_SECONDS * 2 ** (attempt - 1), 3600)
