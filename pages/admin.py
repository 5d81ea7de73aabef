from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from statements.admin import GuardedChangeListMixin

from .models import Page


@admin.register(Page)
class PageAdmin(GuardedChangeListMixin, admin.ModelAdmin):
    list_display = ("title", "status", "menu", "menu_order", "parent", "view_link")
    list_filter = ("status", "menu")
    list_editable = ("menu", "menu_order")
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    fieldsets = [
        (None, {"fields": ("title", "slug", "body")}),
        (_("Publishing"), {"fields": ("status", "parent", "menu", "menu_order")}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = Page.objects.order_by("title")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("on the site"))
    def view_link(self, page):
        return format_html('<a href="{}">{}</a>', page.get_absolute_url(), _("View"))
