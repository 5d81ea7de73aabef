"""Background tasks in the admin: what ran, what failed with which error, queue it again."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tasks import TaskResultStatus
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult, get_date_max

from . import worker
from .models import OutgoingMail, WorkerHeartbeat

admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskAdmin(DBTaskResultAdmin):
    list_display = (
        "task_name",
        "status",
        "attempts",
        "error",
        "enqueued_at",
        "started_at",
        "finished_at",
    )
    list_filter = ("status", "queue_name")
    search_fields = ("task_path", "exception_class_path")
    actions = ["requeue"]

    @admin.display(description=_("attempts"))
    def attempts(self, obj):
        return len(obj.worker_ids)

    @admin.display(description=_("last error"), ordering="exception_class_path")
    def error(self, obj):
        return obj.exception_class_path.rsplit(".", 1)[-1] or "–"

    def has_requeue_permission(self, request):
        # Running a task again sends mail or rewrites files: administrators only.
        return request.user.is_superuser

    @admin.action(description=_("Queue the selected failed tasks again"), permissions=["requeue"])
    def requeue(self, request, queryset):
        count = queryset.filter(status=TaskResultStatus.FAILED).update(
            status=TaskResultStatus.READY,
            run_after=get_date_max(),
            worker_ids=[],
            started_at=None,
            finished_at=None,
        )
        self.message_user(
            request,
            ngettext("%(count)d task queued again.", "%(count)d tasks queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )


class RecordAdmin(admin.ModelAdmin):
    """What the worker writes down, to read: nobody adds, edits or deletes it here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutgoingMail)
class OutgoingMailAdmin(RecordAdmin):
    list_display = ("subject", "created_at", "sent_at")
    list_filter = (("sent_at", admin.EmptyFieldListFilter),)
    readonly_fields = ("key", "subject", "body", "recipients", "about", "created_at",
                       "claimed_at", "sent_at")  # fmt: skip
    fields = readonly_fields


@admin.register(WorkerHeartbeat)
class WorkerAdmin(RecordAdmin):
    """Which task workers are running: each beats every few seconds (background.worker)."""

    list_display = ("worker_id", "is_alive", "started_at", "beat_at")
    readonly_fields = ("worker_id", "started_at", "beat_at")
    fields = readonly_fields

    @admin.display(description=_("running"), boolean=True)
    def is_alive(self, obj):
        return worker.is_alive(obj)
