from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.text import Truncator

from advocacy.admin_filters import DefaultStateFilter
from statements.admin import GuardedChangeListMixin

from . import moderation
from .models import BlockedTerm, Comment

class StatusFilter(DefaultStateFilter):
    """Status, showing the moderation queue (pending) unless asked otherwise."""

    title = "status"
    parameter_name = "status__exact"
    field = "status"
    states = Comment.Status
    default = Comment.Status.PENDING


@admin.register(Comment)
class CommentAdmin(GuardedChangeListMixin, admin.ModelAdmin):
    list_display = [
        "excerpt",
        "name",
        "email",
        "website_link",
        "statement_link",
        "ip_address",
        "created_at",
        "status",
    ]
    list_filter = [StatusFilter, "created_at"]
    search_fields = ["name", "email", "body", "website", "statement__title"]
    date_hierarchy = "created_at"
    list_per_page = 50
    actions = ["approve", "mark_spam", "remove", "restore"]
    fields = [
        "statement",
        "parent",
        "name",
        "email",
        "website",
        "body",
        "ip_address",
        "created_at",
        "status",
        "moderated_by",
        "moderated_at",
    ]
    readonly_fields = [f for f in fields if f != "status"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("statement")

    def has_add_permission(self, request):
        return False  # comments come from visitors, through the form

    def save_model(self, request, obj, form, change):
        if change and "status" in form.changed_data:
            new_status = obj.status
            moderation.set_status(Comment.objects.filter(pk=obj.pk), new_status, request.user)
            obj.refresh_from_db()
        # Nothing else on a comment is editable: a visitor's words stay theirs.

    # Django's delete page and its "Delete selected comments" action call these.
    def delete_model(self, request, obj):
        moderation.delete(Comment.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        moderation.delete(queryset)

    @admin.display(description="comment")
    def excerpt(self, comment):
        return Truncator(comment.body).chars(80)

    @admin.display(description="website")
    def website_link(self, comment):
        if not comment.website:
            return ""
        return format_html(
            '<a href="{}" rel="nofollow noopener noreferrer">{}</a>',
            comment.website,
            Truncator(comment.website).chars(40),
        )

    @admin.display(description="statement", ordering="statement__title")
    def statement_link(self, comment):
        return format_html(
            '<a href="{}">{}</a>',
            comment.get_absolute_url(),
            Truncator(comment.statement).chars(40),
        )

    def _moderate(self, request, queryset, action):
        count = moderation.act(action, queryset, request.user)
        done = moderation.ACTIONS[action][2]
        self.message_user(
            request,
            f"{count} comment{'s' if count != 1 else ''} {done.lower()}.",
            messages.SUCCESS if count else messages.WARNING,
        )

    @admin.action(description="Approve selected comments", permissions=["change"])
    def approve(self, request, queryset):
        self._moderate(request, queryset, "approve")

    @admin.action(description="Mark selected comments as spam", permissions=["change"])
    def mark_spam(self, request, queryset):
        self._moderate(request, queryset, "mark_spam")

    @admin.action(description="Remove selected comments", permissions=["change"])
    def remove(self, request, queryset):
        self._moderate(request, queryset, "remove")

    @admin.action(description="Restore selected comments to the queue", permissions=["change"])
    def restore(self, request, queryset):
        self._moderate(request, queryset, "restore")


@admin.register(BlockedTerm)
class BlockedTermAdmin(GuardedChangeListMixin, admin.ModelAdmin):
    list_display = ["value", "kind", "note", "created_at"]
    list_filter = ["kind"]
    search_fields = ["value", "note"]
