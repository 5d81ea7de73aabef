"""The statement admin's revision pages: every save kept, any two compared, any one restored."""

import json

import reversion
from django.contrib import messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import content, diff, revisions


class RevisionsAdminMixin:
    """For StatementAdmin: admin saves become revisions; the change page lists them."""

    change_form_template = "admin/editing/change_form.html"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        with reversion.create_revision():
            reversion.set_user(request.user)
            response = super().changeform_view(request, object_id, form_url, extra_context)
            saved = getattr(request, "_editing_saved", None)
        if saved is not None:
            revisions.prune(saved)
        return response

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        request._editing_saved = obj

    # The revision's comment is what the admin log says of the save.
    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._comment(message)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._comment(message)
        return entry

    def _comment(self, message):
        if reversion.is_active():
            reversion.set_comment(
                LogEntry(change_message=json.dumps(message)).get_change_message()
            )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            listed = revisions.revisions_of(obj)
            context["revisions"] = listed
            context["latest_revision_id"] = listed[0].pk if listed else None
        return super().render_change_form(request, context, add, change, form_url, obj)

    # -- the revision pages -------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/revisions/compare/",
                wrap(self.compare_view),
                name="{}_{}_compare".format(*info),
            ),
            path(
                "<path:object_id>/revisions/<str:version_id>/restore/",
                wrap(require_http_methods(["GET", "POST"])(self.restore_view)),
                name="{}_{}_restore".format(*info),
            ),
            *super().get_urls(),
        ]

    def _statement(self, request, object_id, *, change):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("No such statement."))
        allowed = (
            self.has_change_permission(request, obj)
            if change
            else self.has_view_or_change_permission(request, obj)
        )
        if not allowed:
            raise PermissionDenied
        return obj

    def _context(self, request, obj, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "change_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]
            ),
            "has_change_permission": self.has_change_permission(request, obj),
            **extra,
        }

    def compare_view(self, request, object_id):
        obj = self._statement(request, object_id, change=False)
        listed = revisions.revisions_of(obj)
        if request.GET.get("from") or request.GET.get("to"):
            old = revisions.get_version(obj, request.GET.get("from"))
            new = revisions.get_version(obj, request.GET.get("to"))
        elif len(listed) >= 2:
            new, old = listed[0], listed[1]
        else:
            raise Http404(_("There are not two revisions to compare yet."))
        if old.revision.date_created > new.revision.date_created:
            old, new = new, old
        rows = diff.compare(revisions.content_of(old), revisions.content_of(new))
        context = self._context(
            request,
            obj,
            title=_("Compare revisions of “%s”") % obj,
            rows=rows,
            old_label=revisions.label(old),
            new_label=revisions.label(new),
            old_version=old,
            new_version=new,
            restore_name=f"admin:{self.opts.app_label}_{self.opts.model_name}_restore",
        )
        return TemplateResponse(request, "admin/editing/compare.html", context)

    def restore_view(self, request, object_id, version_id):
        obj = self._statement(request, object_id, change=True)
        version = revisions.get_version(obj, version_id)
        if request.method == "POST":
            try:
                seen = int(request.POST.get("seen_latest", ""))
            except ValueError:
                seen = None
            result = revisions.restore(obj.pk, version, request.user, seen_latest=seen)
            messages.success(
                request,
                _("The revision of %s is restored, as a new revision; nothing was lost.")
                % revisions.describe(version),
            )
            if result.raced:
                messages.warning(
                    request,
                    _(
                        "Another editor saved this statement after you opened the revision. "
                        "Their revision is kept in the list below; the restored one is current."
                    ),
                )
            if result.missing:
                messages.warning(
                    request,
                    _("Not restored, because it no longer exists or is taken: %s.")
                    % ", ".join(result.missing),
                )
            return HttpResponseRedirect(self._context(request, obj)["change_url"])
        rows = diff.compare(content.snapshot(obj), revisions.content_of(version))
        context = self._context(
            request,
            obj,
            title=_("Restore a revision of “%s”") % obj,
            rows=rows,
            old_label=_("Now"),
            new_label=revisions.label(version),
            restoring=version,
            latest_revision_id=revisions.latest_id(obj),
        )
        return TemplateResponse(request, "admin/editing/compare.html", context)
