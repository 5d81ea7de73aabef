import tempfile
from pathlib import Path

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from statements.admin import GuardedChangeListMixin

from .forms import ImportForm
from .importer import Importer, Options
from .models import ImportedObject

IMPORT_PERMISSION = "wordpress.import_wordpress"


@admin.register(ImportedObject)
class ImportedObjectAdmin(GuardedChangeListMixin, admin.ModelAdmin):
    """What came from WordPress (read only), and the page to upload an export."""

    list_display = ("source", "kind", "wp_id", "content_type", "object_id", "imported_at")
    list_filter = ("kind", "source")
    search_fields = ("source", "wp_id")
    change_list_template = "admin/wordpress/importedobject/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("content_type")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or request.user.has_perm(
            IMPORT_PERMISSION
        )

    def has_module_permission(self, request):
        return super().has_module_permission(request) or request.user.has_perm(IMPORT_PERMISSION)

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="wordpress_import"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import": request.user.has_perm(IMPORT_PERMISSION),
            "import_url": reverse("admin:wordpress_import"),
        }
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        if not request.user.has_perm(IMPORT_PERMISSION):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            with tempfile.TemporaryDirectory(prefix="wordpress-upload-") as folder:
                target = Path(folder) / "export.xml"
                with open(target, "wb") as out:
                    for chunk in form.cleaned_data["export"].chunks():
                        out.write(chunk)
                report = Importer(
                    target,
                    Options(
                        fetch_media=form.cleaned_data["fetch_media"],
                        dry_run=form.cleaned_data["dry_run"],
                        organization=form.cleaned_data["organization"],
                    ),
                ).run()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import a WordPress export"),
            "opts": self.model._meta,
            "form": form,
            "report": report,
            "report_text": report.as_text() if report else "",
        }
        status = 400 if report is not None and report.fatal else 200
        return TemplateResponse(request, "admin/wordpress/import.html", context, status=status)
