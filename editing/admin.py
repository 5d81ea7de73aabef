"""The statement admin's revision pages: every save kept, any two compared, any one restored."""

import json

import reversion
from django.contrib import messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from statements.models import EditorNote

from . import content, diff, drafts, reviews, revisions
from .models import Review
from .preview import DraftPreview

# The statement form's buttons for drafts of changes (editing/templates/admin/editing).
DRAFT, DISCARD = "_save_draft", "_discard_draft"


class RevisionsAdminMixin:
    """For StatementAdmin: admin saves become revisions; the change page lists them."""

    change_form_template = "admin/editing/change_form.html"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        with transaction.atomic():
            kept_first = False
            if object_id is not None and not getattr(request, "_editing_drafting", False):
                obj = self.get_object(request, unquote(object_id))
                if obj is not None and self.has_change_permission(request, obj):
                    kept_first = revisions.keep_first_state(obj)
            with reversion.create_revision():
                reversion.set_user(request.user)
                response = super().changeform_view(request, object_id, form_url, extra_context)
                saved = getattr(request, "_editing_saved", None)
            if saved is None and kept_first:
                transaction.set_rollback(True)  # nothing is stored from a refused save
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


class DraftNotesFormSet(BaseInlineFormSet):
    """The editor's notes inline; opened on a draft of changes, it shows the draft's notes.

    A note the draft changes shows the draft's words, one it deletes is ticked
    for deletion, one it adds is an extra form: posting the form as it opens
    publishes the draft (editing.drafts).
    """

    def __init__(self, *args, draft_notes=None, **kwargs):
        self._draft_changed = None
        super().__init__(*args, **kwargs)
        if draft_notes is not None and not self.is_bound:
            self._draft_changed, added = drafts.notes_for_form(draft_notes, self.get_queryset())
            self.initial_extra = added
            self.extra = len(added)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if (
            self._draft_changed is not None
            and index is not None
            and index < self.initial_form_count()
        ):
            values = self._draft_changed.get(self.get_queryset()[index].pk)
            if values is not None:
                kwargs["initial"] = {
                    EditorNote._meta.get_field(name).attname if name == "editor" else name: value
                    for name, value in values.items()
                }
        return kwargs

    def add_fields(self, form, index):
        super().add_fields(form, index)
        pk = form.instance.pk
        if (
            self._draft_changed is not None
            and pk is not None
            and self._draft_changed.get(pk) is None
        ):
            form.fields[DELETION_FIELD_NAME].initial = True  # the draft deletes it


class DraftsAdminMixin:
    """For StatementAdmin: changes to a published statement can wait as a draft of changes.

    "Save draft of changes" validates the whole form as a save would, then
    stores its content (editing.drafts) instead of saving the statement.
    "Publish changes", and any other save, is the admin's ordinary save; it
    ends the draft.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        request._editing_drafting = False
        if request.method == "POST" and object_id is not None:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and DISCARD in request.POST:
                if not self.has_change_permission(request, obj):
                    raise PermissionDenied
                if drafts.discard(obj):
                    self.log_change(request, obj, _("Discarded the draft of changes."))
                    messages.success(request, _("The draft of changes is discarded."))
                return HttpResponseRedirect(self._change_url(obj))
            request._editing_drafting = DRAFT in request.POST and drafts.may_draft(obj)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _change_url(self, obj):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])

    def _preview_url(self, obj):
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_draft_preview", args=[obj.pk]
        )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*drafts.WITH_DRAFT)

    def _draft(self, request, obj):
        """The statement's draft of changes, read once per request."""
        if obj is None or obj.pk is None:
            return None
        if getattr(request, "_editing_draft_of", None) != obj.pk:
            request._editing_draft = drafts.draft_of(obj)
            request._editing_draft_of = obj.pk
        return request._editing_draft

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        # As the statement form, the notes inline opens on the draft (a posted one on its data).
        draft = self._draft(request, obj) if request.method != "POST" else None
        if draft is not None and issubclass(inline.formset, DraftNotesFormSet):
            kwargs["draft_notes"] = drafts.draft_notes(draft)
        return kwargs

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        # A posted form carries its own values; only an opened one starts from the draft.
        draft = self._draft(request, obj) if request.method != "POST" else None
        if draft is None:
            return form_class

        class DraftForm(form_class):
            def __init__(self, *args, **kwargs):
                kwargs["initial"] = {**drafts.form_initial(draft), **kwargs.get("initial", {})}
                super().__init__(*args, **kwargs)

        return DraftForm

    def save_model(self, request, obj, form, change):
        if not getattr(request, "_editing_drafting", False):
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if getattr(request, "_editing_drafting", False):
            data = content.from_form(form.cleaned_data)
            for formset in formsets:
                if isinstance(formset, DraftNotesFormSet):
                    data["notes"] = content.notes_from_forms(formset.forms)
            drafts.save_draft(form.instance, data, request.user)
            return
        super().save_related(request, form, formsets, change)
        if change:
            request._editing_raced = drafts.changes_published(
                form.instance, request.POST.get("draft_saved_at", "")
            )

    def construct_change_message(self, request, form, formsets, add=False):
        if getattr(request, "_editing_drafting", False):
            return []  # nothing was saved (the formsets were not either)
        return super().construct_change_message(request, form, formsets, add)

    def log_change(self, request, obj, message):
        if getattr(request, "_editing_drafting", False):
            return super().log_change(request, obj, _("Saved a draft of changes."))
        entry = super().log_change(request, obj, message)
        if request.POST.get("draft_saved_at") and reversion.is_active():
            reversion.set_comment(
                _("Published the draft of changes: %s") % entry.get_change_message()
            )
        return entry

    def response_change(self, request, obj):
        if getattr(request, "_editing_drafting", False):
            messages.success(
                request,
                format_html(
                    _(
                        "The draft of changes is saved; the published statement is unchanged. "
                        '<a href="{}">Preview the changes</a>, or publish them with '
                        "“Publish changes”."
                    ),
                    self._preview_url(obj),
                ),
            )
            return HttpResponseRedirect(self._change_url(obj))
        if getattr(request, "_editing_raced", False):
            messages.warning(
                request,
                _(
                    "Another editor published, discarded or saved this draft again after you "
                    "opened it. Both saves are kept as revisions; yours is the one published now."
                ),
            )
        return super().response_change(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["may_draft"] = drafts.may_draft(obj)
        draft = self._draft(request, obj)
        context["draft"] = draft
        if draft is not None:
            context["draft_preview_url"] = self._preview_url(obj)
            context["live_changed_since_draft"] = obj.updated_at > draft.saved_at
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/draft/preview/",
                self.admin_site.admin_view(self.draft_preview_view),
                name="{}_{}_draft_preview".format(*info),
            ),
            *super().get_urls(),
        ]

    def draft_preview_view(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("No such statement."))
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return DraftPreview.as_view()(request, pk=obj.pk)


# The statement form's buttons for reviews (editing/templates/admin/editing).
SUBMIT, APPROVE, RETURN = "_submit_review", "_approve_publish", "_return_review"


class ReviewsAdminMixin:
    """For StatementAdmin: contributors submit for review; editors publish or return."""

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not reviews.may_publish(request.user):
            fields += ["status", "author"]  # a contributor's statement is theirs, a draft
        return fields

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and reviews.may_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and reviews.may_edit(request.user, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        request._editing_review = None
        if request.method == "POST" and object_id is not None and RETURN in request.POST:
            return self._return_to_author(request, object_id)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _return_to_author(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("No such statement."))
        if not reviews.may_publish(request.user):
            raise PermissionDenied
        review = reviews.waiting(obj)
        note = request.POST.get("review_note", "").strip()[:2000]
        if review is None or not reviews.decide(review, request.user, Review.State.RETURNED, note):
            messages.warning(request, _("This statement is not waiting for review any more."))
        else:
            self.log_change(request, obj, _("Returned to the author: %s") % (note or "—"))
            messages.success(request, _("The statement is returned to its author."))
        return HttpResponseRedirect(self._change_url(obj))

    def save_model(self, request, obj, form, change):
        if not reviews.may_publish(request.user):
            obj.status = obj.Status.DRAFT
            if not change:
                obj.author = request.user
        elif APPROVE in request.POST:
            obj.status = obj.Status.PUBLISHED
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if getattr(request, "_editing_drafting", False):
            return
        obj = form.instance
        if SUBMIT in request.POST and not reviews.may_publish(request.user):
            reviews.submit(obj, request.user)
            request._editing_review = "submitted"
        elif APPROVE in request.POST and reviews.may_publish(request.user):
            review = reviews.waiting(obj)
            if review is not None and reviews.decide(review, request.user, Review.State.PUBLISHED):
                request._editing_review = review
            else:
                request._editing_review = "raced"

    def _log_review(self, request, obj, entry):
        review = getattr(request, "_editing_review", None)
        if review is None or review == "raced":
            return
        if review == "submitted":
            words = _("Submitted for review.")
        else:
            submitter = review.submitted_by.get_username() if review.submitted_by else "—"
            words = _("Published after review (submitted by %s).") % submitter
        LogEntry.objects.log_actions(
            user_id=request.user.pk, queryset=[obj], action_flag=CHANGE, change_message=words
        )
        if reversion.is_active():
            reversion.set_comment(f"{entry.get_change_message()} {words}".strip())

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._log_review(request, obj, entry)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if entry is not None:
            self._log_review(request, obj, entry)
        return entry

    def _review_message(self, request):
        review = getattr(request, "_editing_review", None)
        if review == "submitted":
            messages.success(
                request,
                _("Submitted for review: the Editors are told, and you can still edit it."),
            )
        elif review == "raced":
            messages.warning(
                request,
                _("Another editor decided this review first; your save is kept as a revision."),
            )
        elif review is not None:
            messages.success(request, _("Approved and published."))

    def response_add(self, request, obj, post_url_continue=None):
        self._review_message(request)
        if getattr(request, "_editing_review", None) == "submitted":
            return HttpResponseRedirect(self._change_url(obj))  # where the author sees it wait
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._review_message(request)
        if getattr(request, "_editing_review", None) == "submitted":
            return HttpResponseRedirect(self._change_url(obj))
        return super().response_change(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        publisher = reviews.may_publish(request.user)
        context["may_publish"] = publisher
        context["review_waiting"] = reviews.waiting(obj)
        context["review_returned"] = (
            None if publisher or context["review_waiting"] else reviews.last_returned(obj)
        )
        context["may_submit"] = not publisher and context["review_waiting"] is None
        return super().render_change_form(request, context, add, change, form_url, obj)
