from django.contrib import admin

from statements.admin import GuardedChangeListMixin

from .models import Redirect


@admin.register(Redirect)
class RedirectAdmin(GuardedChangeListMixin, admin.ModelAdmin):
    list_display = ("old_path", "new_url", "note", "created_at")
    search_fields = ("old_path", "new_url", "note")
    list_filter = ("note",)
    readonly_fields = ("created_at",)
    fieldsets = [(None, {"fields": ("old_path", "new_url", "note", "created_at")})]
