from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import ADDITION
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from advocacy.admin_filters import DefaultStateFilter
from branding.site import current
from statements.admin import GuardedChangeListMixin

from . import moderation, posting, spam
from .models import BODY_MAX, BlockedTerm, Comment
from .validators import validate_printable

# The buttons of a comment's change page: (action of comments.moderation, label).
CHANGE_PAGE_ACTIONS = {
    "approve": gettext_lazy("Approve"),
    "mark_spam": gettext_lazy("Mark as spam"),
    "remove": gettext_lazy("Remove"),
}


class StaffReplyForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your reply"),
        max_length=BODY_MAX,
        strip=True,
        validators=[validate_printable],
        widget=forms.Textarea(attrs={"rows": 6, "cols": 70}),
    )


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
        "by_staff",
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

    # -- a single comment's page: its buttons, the blocklist offer, a staff reply --------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/moderate/",
                wrap(require_POST(self.moderate_view)),
                name="comments_comment_moderate",
            ),
            path("<path:object_id>/block/", wrap(self.block_view), name="comments_comment_block"),
            path("<path:object_id>/reply/", wrap(self.reply_view), name="comments_comment_reply"),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            may_change = self.has_change_permission(request, obj)
            context["moderation_buttons"] = [
                (action, label)
                for action, label in CHANGE_PAGE_ACTIONS.items()
                if may_change and obj.status != moderation.ACTIONS[action][1]
            ]
            context["may_reply"] = may_change and posting.may_reply_as_staff(obj)
            context["reply_form"] = StaffReplyForm()
            context["site_name"] = current().name
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _comment(self, request, object_id):
        comment = self.get_object(request, unquote(object_id))
        if comment is None:
            raise Http404(_("No such comment."))
        if not self.has_change_permission(request, comment):
            raise PermissionDenied
        return comment

    def _change_url(self, comment):
        return reverse("admin:comments_comment_change", args=[comment.pk])

    def moderate_view(self, request, object_id):
        comment = self._comment(request, object_id)
        action = request.POST.get("action", "")
        if action not in CHANGE_PAGE_ACTIONS:
            return HttpResponseBadRequest(_("Unknown moderation action."))
        count = moderation.act(action, Comment.objects.filter(pk=comment.pk), request.user)
        done = {
            "approve": _("The comment is approved and published."),
            "mark_spam": _("The comment is marked as spam."),
            "remove": _("The comment is removed."),
        }[action]
        if not count:
            self.message_user(request, _("Nothing changed: the comment was already so."))
            return HttpResponseRedirect(self._change_url(comment))
        self.message_user(request, done, messages.SUCCESS)
        comment.refresh_from_db()
        if action == "mark_spam" and self._may_block(request) and spam.blocklist_offers(comment):
            return HttpResponseRedirect(reverse("admin:comments_comment_block", args=[comment.pk]))
        return HttpResponseRedirect(self._change_url(comment))

    def _may_block(self, request):
        return request.user.has_perm("comments.add_blockedterm")

    def block_view(self, request, object_id):
        """After "Mark as spam": offer to block the comment's address or link domains."""
        comment = self._comment(request, object_id)
        if not self._may_block(request):
            raise PermissionDenied
        offers = spam.blocklist_offers(comment)
        if request.method == "POST":
            chosen = [
                (kind, value)
                for kind, _sep, value in (
                    entry.partition(":") for entry in request.POST.getlist("term")
                )
            ]
            added = spam.block(comment, chosen, note=f"From spam comment #{comment.pk}")
            if added:
                moderation.log(request.user, added, ADDITION, "Added from a spam comment")
                self.message_user(
                    request,
                    _("Added to the blocklist: %(terms)s.")
                    % {"terms": ", ".join(term.value for term in added)},
                    messages.SUCCESS,
                )
            else:
                self.message_user(request, _("Nothing was added to the blocklist."))
            return HttpResponseRedirect(self._change_url(comment))
        kinds = dict(BlockedTerm.Kind.choices)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": comment,
            "title": _("Block this spammer?"),
            "offers": [
                {"token": f"{kind}:{value}", "kind": kinds[kind], "value": value}
                for kind, value in offers
            ],
            "change_url": self._change_url(comment),
        }
        return TemplateResponse(request, "admin/comments/comment/block.html", context)

    def reply_view(self, request, object_id):
        """A staff reply, published at once under the organization's name."""
        comment = self._comment(request, object_id)
        if not posting.may_reply_as_staff(comment):
            self.message_user(
                request, _("Only published or waiting comments can be answered."), messages.ERROR
            )
            return HttpResponseRedirect(self._change_url(comment))
        form = StaffReplyForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            reply = posting.post_staff_reply(comment, form.cleaned_data["body"], request.user)
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("Your reply is published."),
                    reply.get_absolute_url(),
                    _("See it on the statement’s page"),
                ),
                messages.SUCCESS,
            )
            return HttpResponseRedirect(self._change_url(comment))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": comment,
            "title": _("Reply to %(name)s") % {"name": comment.name},
            "reply_form": form,
            "site_name": current().name,
            "change_url": self._change_url(comment),
        }
        status = 400 if request.method == "POST" else 200
        return TemplateResponse(
            request, "admin/comments/comment/reply.html", context, status=status
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
