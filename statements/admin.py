from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import DataError, models, transaction
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from editing.admin import (
    DraftsAdminMixin,
    NotesOutsideDraftsFormSet,
    ReviewsAdminMixin,
    RevisionsAdminMixin,
)
from editing.picker import ImagePickerAdminMixin
from editing.widgets import AutocompleteSelectMultipleWithoutClearAll, FeaturedImageSelect

from .forms import ImageForm, StatementForm
from .models import EditorNote, Image, Organization, StaffProfile, Statement, Topic

User = get_user_model()


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    fields = ["initials"]


admin.site.unregister(User)
admin.site.unregister(Group)


class GuardedChangeList(ChangeList):
    """Django's changelist, answering impossible filter values as bad lookups, not 500s.

    Any field name is a filter in the admin's query string (?author=…, ?ip_address=…),
    and Django checks few values before the database sees them:

    - the date drill-down computes the year 10000 for ?publish_at__year=9999
      (ValueError) and a date past the last one for …__month=12 of that year
      (OverflowError);
    - SQLite cannot bind an integer of more than 64 bits (?author=99999999999999999999
      raises OverflowError); PostgreSQL refuses text that is not an address for an
      inet column (?ip_address=abc raises DataError).

    Such an address gets what any bad lookup gets: a redirect to the list (?e=1).
    """

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as exc:
            raise IncorrectLookupParameters(exc) from exc

    def get_results(self, request):
        # The count is the first query with the visitor's filters; a savepoint keeps a
        # refused one from spoiling the rest of the request's transaction.
        try:
            with transaction.atomic(using=self.queryset.db):
                super().get_results(request)
        except (DataError, OverflowError) as exc:
            raise IncorrectLookupParameters(exc) from exc


class GuardedChangeListMixin:
    """For every ModelAdmin (comments' too): see GuardedChangeList."""

    def get_changelist(self, request, **kwargs):
        return GuardedChangeList

    def lookup_allowed(self, lookup, value, request=None):
        # A full-text vector is PostgreSQL's alone: filtering on it elsewhere is an SQL
        # error, which would pass for "database down" (503).
        try:
            field = self.model._meta.get_field(lookup.split(LOOKUP_SEP, 1)[0])
        except FieldDoesNotExist:
            field = None
        if isinstance(field, SearchVectorField):
            return False
        return super().lookup_allowed(lookup, value, request)


# "example.org" typed in a link field means https://example.org (Django 6's default).
HTTPS_URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(User)
class StaffUserAdmin(GuardedChangeListMixin, UserAdmin):
    inlines = [StaffProfileInline]
    list_display = [*UserAdmin.list_display, "initials"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("staff_profile")

    @admin.display(description="initials")
    def initials(self, user):
        profile = getattr(user, "staff_profile", None)
        return profile.initials if profile else ""


@admin.register(Group)
class GuardedGroupAdmin(GuardedChangeListMixin, GroupAdmin):
    pass


@admin.register(StaffProfile)
class StaffProfileAdmin(GuardedChangeListMixin, admin.ModelAdmin):
    """Where editors set the initials that sign their notes: their own only."""

    list_display = ["user", "initials"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("user")
        return queryset if request.user.is_superuser else queryset.filter(user=request.user)

    def get_fields(self, request, obj=None):
        return ["user", "initials"] if request.user.is_superuser else ["initials"]

    def has_add_permission(self, request):
        if request.user.is_superuser:
            return super().has_add_permission(request)
        own = StaffProfile.objects.filter(user=request.user).exists()
        return not own and super().has_add_permission(request)

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.user = request.user
        super().save_model(request, obj, form, change)


@admin.register(Organization)
class OrganizationAdmin(GuardedChangeListMixin, admin.ModelAdmin):
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = ["name", "url"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Topic)
class TopicAdmin(GuardedChangeListMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Image)
class ImageAdmin(ImagePickerAdminMixin, GuardedChangeListMixin, admin.ModelAdmin):
    formfield_overrides = HTTPS_URL_FIELDS
    form = ImageForm
    list_display = ["thumbnail", "alt_text", "caption", "credit", "dimensions", "uploaded_at"]
    search_fields = ["alt_text", "caption", "credit"]
    fields = ["file", "preview", "body_url", "alt_text", "caption", "credit", "credit_url"]
    readonly_fields = ["preview", "body_url"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
        if prefilled := getattr(obj, "prefilled_from_metadata", None):
            messages.warning(
                request,
                f"The {' and '.join(prefilled)} came from the photo's own metadata (now removed "
                "from the file). Please check them and save again.",
            )

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(obj, "prefilled_from_metadata", None) and "_popup" not in request.POST:
            return HttpResponseRedirect(self.get_change_url(obj))
        return super().response_add(request, obj, post_url_continue)

    def get_change_url(self, obj):
        return reverse("admin:statements_image_change", args=[obj.pk])

    @admin.display(description="")
    def thumbnail(self, image):
        return format_html(
            '<img src="{}" alt="" style="max-height:60px;max-width:100px">', image.file.url
        )

    @admin.display(description="preview")
    def preview(self, image):
        if not image.pk:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" style="max-height:240px;max-width:100%">',
            image.file.url,
            image.alt_text,
        )

    @admin.display(description="address for the body editor")
    def body_url(self, image):
        if not image.pk:
            return "Save the image first."
        return format_html(
            '<code>{}</code><br><span class="help">To place this image in a statement, use the '
            "editor's Figure button and paste this address; the caption and credit are shown "
            "from here.</span>",
            image.file.url,
        )

    @admin.display(description="size")
    def dimensions(self, image):
        return f"{image.width} × {image.height}"


class StateFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("draft", "Draft"), ("scheduled", "Scheduled"), ("published", "Published")]

    def queryset(self, request, queryset):
        return {
            "draft": queryset.drafts,
            "scheduled": queryset.scheduled,
            "published": queryset.published,
        }.get(self.value(), queryset.all)()


class StaffUserChoicesMixin:
    """Author and editor fields offer staff only, and default to whoever is editing."""

    staff_user_fields = ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name not in self.staff_user_fields:
            return super().formfield_for_foreignkey(db_field, request, **kwargs)
        kwargs["queryset"] = User.objects.filter(is_staff=True, is_active=True)
        kwargs["initial"] = request.user.pk
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        # The same staff list for the author and every note's editor (and the
        # empty note form): read once per request, not once per form.
        if not hasattr(request, "_staff_user_choices"):
            # A comprehension, not list(): list() would first COUNT the rows for its length.
            request._staff_user_choices = [*iter(formfield.choices)]
        formfield.choices = request._staff_user_choices
        return formfield


class EditorNoteInline(StaffUserChoicesMixin, admin.StackedInline):
    model = EditorNote
    formset = NotesOutsideDraftsFormSet
    extra = 0
    fields = [("editor", "placement", "position"), "text"]
    staff_user_fields = ["editor"]


@admin.register(Statement)
class StatementAdmin(
    ReviewsAdminMixin,
    DraftsAdminMixin,
    RevisionsAdminMixin,
    GuardedChangeListMixin,
    StaffUserChoicesMixin,
    admin.ModelAdmin,
):
    form = StatementForm
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = ["title", "state_label", "publish_at", "organization_names", "view_link"]
    # Organizations are found through the search box: one more filter sidebar
    # would cost a query on every page of the list.
    list_filter = [StateFilter, "topics"]
    search_fields = ["title", "summary", "slug", "organizations__name"]
    date_hierarchy = "publish_at"
    # The filtered count is enough; the total would be a second COUNT(*).
    show_full_result_count = False
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organizations", "topics", "featured_image"]
    staff_user_fields = ["author"]
    inlines = [EditorNoteInline]
    fieldsets = [
        (
            None,
            {"fields": ["title", "slug", "organizations", "statement_date", "summary", "body"]},
        ),
        (
            "Publishing",
            {
                "fields": [
                    ("status", "publish_at"),
                    "author",
                    "topics",
                    "comments_open",
                    "do_not_email",
                ]
            },
        ),
        ("Featured image", {"fields": ["featured_image"]}),
        (
            "Repost",
            {
                "fields": ["source_name", "source_url"],
                "description": "Fill these in when reposting an ally's statement.",
            },
        ),
    ]

    class Media:
        js = [
            "editing/accessible-names.js",
            "editing/autosave.js",
            "editing/library-figures.js",
        ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("organizations")

    def get_object(self, request, object_id, from_field=None):
        # One statement: the form's own widgets read its organizations, so the
        # list's prefetch would be a query for nothing (the change page's budget).
        queryset = self.get_queryset(request).prefetch_related(None)
        field = (
            self.model._meta.pk if from_field is None else self.model._meta.get_field(from_field)
        )
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (self.model.DoesNotExist, ValidationError, ValueError):
            return None

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "featured_image":
            kwargs["widget"] = FeaturedImageSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.autocomplete_fields:
            kwargs["widget"] = AutocompleteSelectMultipleWithoutClearAll(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description="status", ordering="status")
    def state_label(self, statement):
        return statement.state.capitalize()

    @admin.display(description="organizations")
    def organization_names(self, statement):
        return ", ".join(org.name for org in statement.organizations.all())

    @admin.display(description="")
    def view_link(self, statement):
        label = "View" if statement.is_published else "Preview"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            statement.get_absolute_url(),
            label,
        )


def _guard_registered_admins():
    """django-axes registers its own admins; give them the same guarded changelist."""
    for model, model_admin in list(admin.site._registry.items()):
        if model._meta.app_label == "axes" and not isinstance(model_admin, GuardedChangeListMixin):
            admin_class = type(model_admin)
            admin.site.unregister(model)
            admin.site.register(
                model,
                type(f"Guarded{admin_class.__name__}", (GuardedChangeListMixin, admin_class), {}),
            )


_guard_registered_admins()
