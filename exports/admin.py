"""The Exports list: each staff member's own exports, their state and a download link."""

from django.contrib import admin, messages
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from statements.admin import GuardedChangeListMixin

from . import runs
from .forms import PersonalDataForm
from .models import Export


@admin.register(Export)
class ExportAdmin(GuardedChangeListMixin, admin.ModelAdmin):
    class Media:
        css = {"all": ["editing/admin.css"]}  # links told apart by more than colour

    list_display = [
        "kind",
        "progress",
        "download",
        "created_at",
        "rows",
        "file_size",
        "expires_at",
    ]
    fields = ["kind", "progress", "address", "created_at", "finished_at", "rows", "expires_at"]
    readonly_fields = fields
    change_list_template = "admin/exports/export/change_list.html"

    def get_queryset(self, request):
        return runs.visible_to(request.user)

    def _may_export_something(self, request):
        return any(runs.may_export(request.user, kind) for kind in Export.Kind)

    def has_module_permission(self, request):
        return self._may_export_something(request)

    def has_view_permission(self, request, obj=None):
        return self._may_export_something(request)

    def has_add_permission(self, request):
        return False  # exports are asked for where their data is (or the address form)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self._may_export_something(request) and (
            obj is None or obj.created_by_id == request.user.pk
        )

    def delete_model(self, request, obj):
        runs.discard(obj)

    def delete_queryset(self, request, queryset):
        for export in queryset:
            runs.discard(export)

    @admin.display(description=_("state"))
    def progress(self, obj):
        if obj.state == Export.State.FAILED:
            return _("Failed: %(error)s") % {"error": obj.error.splitlines()[-1][:300]}
        if obj.state == Export.State.QUEUED and obj.error:
            return _("Waiting for the worker; the last attempt failed: %(error)s") % {
                "error": obj.error.splitlines()[-1][:300]
            }
        return obj.get_state_display()

    @admin.display(description=_("size"))
    def file_size(self, obj):
        return filesizeformat(obj.size) if obj.size is not None else "—"

    @admin.display(description=_("file"))
    def download(self, obj):
        if obj.state != Export.State.READY:
            return "—"
        return format_html(
            '<a href="{}" download>{}</a>',
            reverse("admin:exports_export_download", args=[obj.pk]),
            _("Download %(name)s") % {"name": obj.download_name},
        )

    def get_urls(self):
        return [
            path(
                "<uuid:export_id>/download/",
                self.admin_site.admin_view(self.download_view),
                name="exports_export_download",
            ),
            path(
                "personal-data/",
                self.admin_site.admin_view(self.personal_data_view),
                name="exports_export_personal_data",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "title": _("Your exports"),
            "may_export_personal_data": runs.may_export(request.user, Export.Kind.PERSONAL_DATA),
            "waiting": runs.visible_to(request.user).filter(state=Export.State.QUEUED).exists(),
        }
        return super().changelist_view(request, extra_context)

    def download_view(self, request, export_id):
        export = get_object_or_404(Export, pk=export_id)
        if not runs.may_download(request.user, export):
            raise Http404  # someone else's export does not exist, as far as you know
        if export.state != Export.State.READY:
            self.message_user(request, _("This export is not ready yet."), messages.WARNING)
            return HttpResponseRedirect(reverse("admin:exports_export_changelist"))
        stored = runs.open_file(export)
        if stored is None:
            self.message_user(
                request,
                _("This export's file is missing from the storage; please ask for it again."),
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:exports_export_changelist"))
        response = FileResponse(
            stored,
            as_attachment=True,
            filename=export.download_name,
            content_type="text/csv; charset=utf-8"
            if export.kind == Export.Kind.SUBSCRIBERS
            else "application/json; charset=utf-8",
        )
        response["Cache-Control"] = "no-store, private"
        return response

    def personal_data_view(self, request):
        """An address's data on request (GDPR Art. 15): queued, then listed here."""
        if not runs.may_export(request.user, Export.Kind.PERSONAL_DATA):
            raise Http404
        form = PersonalDataForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            runs.start(
                Export.Kind.PERSONAL_DATA, user=request.user, address=form.cleaned_data["email"]
            )
            self.message_user(
                request,
                _("The export is being prepared; it will be listed here when it is ready."),
            )
            return HttpResponseRedirect(reverse("admin:exports_export_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Export everything stored about an address"),
            "opts": self.model._meta,
            "form": form,
        }
        status = 400 if form.errors else 200
        return TemplateResponse(
            request, "admin/exports/export/personal_data.html", context, status=status
        )
