from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from editing.widgets import FeaturedImageSelect
from statements.admin import GuardedChangeListMixin

from . import colours
from .forms import SiteSettingsForm
from .models import SINGLE_ROW, SiteSettings
from .site import current, defaults


@admin.register(SiteSettings)
class SiteSettingsAdmin(GuardedChangeListMixin, admin.ModelAdmin):
    """One row: the list opens it (or the form to make it, prefilled with today's defaults)."""

    form = SiteSettingsForm

    class Media:
        # The logo's autocomplete box gets its label's name for screen readers.
        js = ["editing/accessible-names.js"]

    autocomplete_fields = ["logo"]
    readonly_fields = ["contrast", "menus"]
    fieldsets = [
        (None, {"fields": ["name", "tagline"]}),
        (_("Logo"), {"fields": ["logo", "logo_upload", "show_name"]}),
        (_("Colour"), {"fields": ["accent", "contrast"]}),
        (_("Footer"), {"fields": ["footer_text", "menus"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("logo")

    def has_add_permission(self, request):
        # From the cached settings: the admin's menu asks on every page.
        return super().has_add_permission(request) and not current(request).stored

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if current(request).stored:
            return HttpResponseRedirect(
                reverse("admin:branding_sitesettings_change", args=[SINGLE_ROW])
            )
        return HttpResponseRedirect(reverse("admin:branding_sitesettings_add"))

    def get_changeform_initial_data(self, request):
        brand = defaults()
        return {"name": brand.name, "tagline": brand.tagline}

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        may_upload = request.user.has_perm("statements.add_image")

        class Form(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, may_upload=may_upload, **kwargs)

        return Form

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.has_perm("statements.add_image"):
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "logo_upload"]})
            for name, options in fieldsets
        ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "logo":
            kwargs["widget"] = FeaturedImageSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if form.logo_image_form is not None:
            image = form.logo_image_form.save(commit=False)
            image.uploaded_by = request.user
            image.save()
            obj.logo = image
        super().save_model(request, obj, form, change)

    @admin.display(description=_("contrast"))
    def contrast(self, obj):
        return colours.summary(obj.accent or colours.DEFAULT)

    @admin.display(description=_("footer and social links"))
    def menus(self, obj):
        return format_html(
            # Underlined: the admin's link colour alone is too close to its text's.
            '{} <a href="{}" style="text-decoration: underline">{}</a>',
            _("The footer's links and the social accounts are menu items:"),
            reverse("admin:pages_menuitem_changelist"),
            _("edit the menus"),
        )
