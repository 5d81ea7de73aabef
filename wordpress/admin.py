from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from statements.admin import GuardedChangeListMixin

from . import runs
from .forms import ImportForm
from .models import ImportedObject, ImportRun

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
        run_view = self.admin_site.admin_view(self.run_view)
        return [
            path("import/", view, name="wordpress_import"),
            path("import/<uuid:run_id>/", run_view, name="wordpress_import_run"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import": request.user.has_perm(IMPORT_PERMISSION),
            "import_url": reverse("admin:wordpress_import"),
        }
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        """The upload form; a valid upload is queued (wordpress.runs) and its page shown."""
        if not request.user.has_perm(IMPORT_PERMISSION):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            run = runs.start(
                form.cleaned_data["export"],
                user=request.user,
                organization=form.cleaned_data["organization"],
                fetch_media=form.cleaned_data["fetch_media"],
                dry_run=form.cleaned_data["dry_run"],
            )
            return HttpResponseRedirect(reverse("admin:wordpress_import_run", args=[run.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import a WordPress export"),
            "opts": self.model._meta,
            "form": form,
            "recent_runs": ImportRun.objects.select_related("created_by")[:10],
        }
        status = 400 if form.errors else 200
        return TemplateResponse(request, "admin/wordpress/import.html", context, status=status)

    def run_view(self, request, run_id):
        """One import: waiting, running (the page refreshes itself), or its report."""
        if not request.user.has_perm(IMPORT_PERMISSION):
            raise PermissionDenied
        run = get_object_or_404(ImportRun.objects.select_related("created_by"), pk=run_id)
        context = {
            **self.admin_site.each_context(request),
            "title": _("WordPress import: %(name)s") % {"name": run},
            "opts": self.model._meta,
            "run": run,
            "import_url": reverse("admin:wordpress_import"),
        }
        status = 400 if run.fatal and run.is_finished else 200
        return TemplateResponse(request, "admin/wordpress/import_run.html", context, status=status)
