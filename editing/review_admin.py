"""The Editors' "waiting for review" list (editing.reviews).

Registered from EditingConfig.ready, once statements.admin (which imports
editing.admin's mixins) has defined the guarded changelist every list uses.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from advocacy.admin_filters import DefaultStateFilter
from statements.admin import GuardedChangeListMixin

from .models import Review


class StateFilter(DefaultStateFilter):
    """The state, showing what waits unless asked otherwise."""

    title = _("state")
    parameter_name = "state__exact"
    field = "state"
    states = Review.State
    default = Review.State.WAITING


@admin.register(Review)
class ReviewAdmin(GuardedChangeListMixin, admin.ModelAdmin):
    """The Editors' "waiting for review" list; each is decided on its statement's page."""

    list_display = ["statement_link", "submitted_by", "submitted_at", "state", "decided_by"]
    list_display_links = None  # each row links to its statement, where it is decided
    list_filter = [StateFilter]
    list_select_related = ["statement", "submitted_by", "decided_by"]
    search_fields = ["statement__title"]

    def changelist_view(self, request, extra_context=None):
        extra_context = {"title": _("Statements submitted for review"), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("statement"), ordering="statement__title")
    def statement_link(self, review):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:statements_statement_change", args=[review.statement_id]),
            review.statement.title,
        )
