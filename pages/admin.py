from contextlib import contextmanager

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin

from editing import revisions
from statements.admin import GuardedChangeListMixin

from .models import MenuItem, Page


@admin.register(Page)
class PageAdmin(GuardedChangeListMixin, VersionAdmin):
    """Every admin save of a page is a revision (django-reversion): History lists them,
    and opening one puts it back in the form, where saving restores it as a new
    revision through an ordinary save (so the page cache is refreshed as for any edit)."""

    history_latest_first = True

    class Media:
        # The body editor gets its label's name for screen readers, as on statements.
        js = ["editing/accessible-names.js"]

    list_display = ("title", "status", "parent", "view_link")
    list_filter = ("status",)
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    fieldsets = [
        (None, {"fields": ("title", "slug", "body")}),
        (_("Publishing"), {"fields": ("status", "parent")}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        request._pages_saved = obj

    @contextmanager
    def create_revision(self, request):
        with super().create_revision(request):
            yield
        # After the revision is written (every save path: add, change, restore),
        # so REVISIONS_KEEP counts the new one.
        if getattr(request, "_pages_saved", None) is not None:
            revisions.prune(request._pages_saved)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = Page.objects.order_by("title")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("on the site"))
    def view_link(self, page):
        return format_html('<a href="{}">{}</a>', page.get_absolute_url(), _("View"))


@admin.register(MenuItem)
class MenuItemAdmin(GuardedChangeListMixin, admin.ModelAdmin):
    """The menu editor: each menu's items in order, reordered right in the list."""

    list_display = ("title", "menu", "order", "links_to")
    list_display_links = ("title",)
    list_editable = ("menu", "order")
    list_filter = ("menu",)
    ordering = ("menu", "order", "pk")
    autocomplete_fields = ("topic", "organization")
    fieldsets = [
        (None, {"fields": ("menu", "order", "label")}),
        (
            _("Links to (one of these)"),
            {"fields": ("page", "topic", "organization", "url")},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("page", "topic", "organization")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "page":
            kwargs["queryset"] = Page.objects.order_by("title")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("title"))
    def title(self, item):
        return item.title

    @admin.display(description=_("links to"))
    def links_to(self, item):
        kind = {
            "page": _("Site page"),
            "topic": _("Topic"),
            "organization": _("Organization"),
        }
        target = item.target
        if target is None:
            return format_html('<a href="{}">{}</a>', item.url, item.url)
        label = kind[target._meta.model_name]
        if item.page_id and not item.page.is_published:
            label = _("Site page (draft: not shown yet)")
        return format_html('{}: <a href="{}">{}</a>', label, item.address, target)
