"""Subscribers, each statement's mailing with its deliveries, and "send a test to me".

Subscribers are added only by themselves (the form and its double opt-in) or
by import_subscribers; staff may unsubscribe or suppress them (through
subscriptions.subscribing) and, with the export permission
(advocacy.roles), export them as CSV (built by the worker: exports.runs).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from background.tasks import enqueue, send_test_mail
from exports import runs
from exports.models import Export
from statements.admin import GuardedChangeListMixin
from statements.models import Statement

from . import subscribing
from .models import CONSENT_FIELDS, Delivery, Digest, ErasedAddress, Mailing, Subscriber

EXPORT_PERMISSION = "subscriptions.export_subscribers"


@admin.register(Subscriber)
class SubscriberAdmin(GuardedChangeListMixin, admin.ModelAdmin):
    class Media:
        css = {"all": ["editing/admin.css"]}  # links told apart by more than colour

    list_display = ["email", "state", "scope", "frequency", "choices", "confirmed_at"]
    list_filter = ["state", "frequency", "scope", "topics", "organizations"]
    search_fields = ["email"]
    list_per_page = 100
    actions = ["export_csv", "unsubscribe", "suppress"]
    fieldsets = [
        (None, {"fields": ["email", "state", "scope", "topics", "organizations", "frequency"]}),
        (_("Consent"), {"fields": CONSENT_FIELDS}),
    ]
    readonly_fields = [
        "email",
        "state",
        "scope",
        "topics",
        "organizations",
        "frequency",
        *CONSENT_FIELDS,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("topics", "organizations")

    def has_add_permission(self, request):
        return False  # only the address's owner subscribes it (double opt-in)

    def has_export_permission(self, request):
        return request.user.has_perm(EXPORT_PERMISSION)

    @admin.display(description=_("topics and organizations"))
    def choices(self, obj):
        if obj.scope == Subscriber.Scope.ALL:
            return "—"
        return ", ".join(str(x) for x in [*obj.topics.all(), *obj.organizations.all()])

    @admin.action(description=_("Export selected subscribers as CSV"), permissions=["export"])
    def export_csv(self, request, queryset):
        # Tens of thousands of rows do not fit in a request's time: the worker builds
        # the file (exports.runs) and the Exports list offers it for download.
        export = runs.start(
            Export.Kind.SUBSCRIBERS,
            user=request.user,
            selection=list(queryset.order_by("pk").values_list("pk", flat=True)),
        )
        n = len(export.selection)
        message = ngettext(
            'The export of {n} subscriber is being prepared: <a href="{url}">Exports</a>.',
            'The export of {n} subscribers is being prepared: <a href="{url}">Exports</a>.',
            n,
        )
        self.message_user(
            request, format_html(message, n=n, url=reverse("admin:exports_export_changelist"))
        )

    @admin.action(description=_("Unsubscribe selected subscribers"), permissions=["change"])
    def unsubscribe(self, request, queryset):
        for subscriber in queryset:
            subscribing.unsubscribe(subscriber, Subscriber.Method.ADMIN)
        self.message_user(request, _("Unsubscribed: %(n)d.") % {"n": len(queryset)})

    @admin.action(
        description=_("Suppress selected addresses (never mail them again)"),
        permissions=["change"],
    )
    def suppress(self, request, queryset):
        for subscriber in queryset:
            subscribing.suppress(subscriber, f"staff: {request.user.get_username()}")
        self.message_user(request, _("Suppressed: %(n)d.") % {"n": len(queryset)})


def _count(state):
    return Count("statement__deliveries", filter=Q(statement__deliveries__state=state))


class TestMailForm(forms.Form):
    statement = forms.ModelChoiceField(
        label=_("Statement"),
        queryset=Statement.objects.order_by("-publish_at"),
        help_text=_("Its mail is sent to you only; nobody else receives anything."),
    )


@admin.register(Mailing)
class MailingAdmin(GuardedChangeListMixin, admin.ModelAdmin):
    list_display = ["statement", "created_at", "queued", "sent", "failed", "skipped", "finished"]
    search_fields = ["statement__title"]
    date_hierarchy = "created_at"
    fields = ["statement", "subject", "created_at", "snapshot_at", "finished_at", "deliveries"]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("statement")
            .annotate(
                queued_count=_count(Delivery.State.QUEUED),
                sent_count=_count(Delivery.State.SENT),
                failed_count=_count(Delivery.State.FAILED),
                skipped_count=_count(Delivery.State.SKIPPED),
            )
        )

    def has_add_permission(self, request):
        return False  # a mailing starts when its statement goes live

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("queued"), ordering="queued_count")
    def queued(self, obj):
        return obj.queued_count

    @admin.display(description=_("sent"), ordering="sent_count")
    def sent(self, obj):
        return obj.sent_count

    @admin.display(description=_("failed"), ordering="failed_count")
    def failed(self, obj):
        return obj.failed_count

    @admin.display(description=_("skipped"))
    def skipped(self, obj):
        return obj.skipped_count

    @admin.display(description=_("finished"), boolean=True)
    def finished(self, obj):
        return obj.finished_at is not None

    @admin.display(description=_("deliveries"))
    def deliveries(self, obj):
        url = reverse("admin:subscriptions_delivery_changelist")
        return format_html(
            '<a href="{}?statement__id__exact={}">{}</a>',
            url,
            obj.statement_id,
            _("Every delivery of this statement"),
        )

    def get_urls(self):
        return [
            path(
                "test/",
                self.admin_site.admin_view(self.send_test_view),
                name="subscriptions_mailing_test",
            ),
            *super().get_urls(),
        ]

    def send_test_view(self, request):
        """ "Send a test to me": a statement's mail as subscribers get it, to the staff member."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        initial = {"statement": request.GET.get("statement")}
        form = TestMailForm(request.POST or None, initial=initial)
        if not request.user.email:
            messages.error(request, _("Your account has no email address: add one first."))
        elif request.method == "POST" and form.is_valid():
            enqueue(send_test_mail, form.cleaned_data["statement"].pk, request.user.email)
            messages.success(
                request, _("A test was sent to %(email)s.") % {"email": request.user.email}
            )
            return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Send a test to me"),
            "form": form,
        }
        return TemplateResponse(request, "admin/subscriptions/send_test.html", context)


@admin.register(Delivery)
class DeliveryAdmin(GuardedChangeListMixin, admin.ModelAdmin):
    list_display = ["subscriber", "statement", "digest", "state", "sent_at", "error"]
    list_filter = ["state", "digest__frequency"]
    search_fields = ["subscriber__email", "statement__title"]
    list_select_related = ["subscriber", "statement", "digest"]
    raw_id_fields = ["subscriber", "statement", "digest"]
    list_per_page = 100

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Digest)
class DigestAdmin(GuardedChangeListMixin, admin.ModelAdmin):
    list_display = ["__str__", "frequency", "period_end", "snapshot_at", "finished_at"]
    list_filter = ["frequency"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ErasedAddress)
class ErasedAddressAdmin(admin.ModelAdmin):
    list_display = ["address_hash", "erased_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
