from django.utils.translation import gettext as _
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand
from django_tasks_db.management.commands.db_worker import run_with_reloader

from background.worker import Worker


class Command(DatabaseWorkerCommand):
    @property
    def help(self):
        return _(
            "Run background tasks (mails, image copies, CDN purges) from the database queue, with "
            "time limits, retries and recovery of tasks a killed worker left running. Run one or "
            "more beside the web server; stop with SIGTERM (the running task finishes first)."
        )

    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay,
               reload, max_tasks, worker_id, exclude_queues, **options):  # fmt: skip
        self.configure_logging(verbosity)
        worker = Worker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
        )
        if reload and not batch:
            import os

            from django.utils.autoreload import DJANGO_AUTORELOAD_ENV

            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
