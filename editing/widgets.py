"""Admin form controls that screen readers can name."""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.urls import reverse


class AutocompleteSelectMultipleWithoutClearAll(AutocompleteSelectMultiple):
    """Django's multiple autocomplete without select2's "clear all" cross.

    select2 puts that cross as a <span> inside the list of chosen items, which
    makes the list invalid for screen readers (axe: "list"); each chosen item
    keeps its own remove button, so nothing is lost.
    """

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-allow-clear"] = "false"
        return attrs


class FeaturedImageSelect(AutocompleteSelect):
    """The featured-image field: the library's autocomplete, a thumbnail of the chosen
    image, and a button opening the body editor's image picker (editing.picker) to
    choose or upload one with thumbnails in sight."""

    template_name = "admin/editing/featured_image_widget.html"

    def get_context(self, name, value, attrs):
        # The autocomplete reads the chosen image to label its option; keep that
        # row for the thumbnail rather than reading it a second time.
        field = self.choices.field
        chosen = []
        label = field.label_from_instance
        field.label_from_instance = lambda image: chosen.append(image) or label(image)
        try:
            context = super().get_context(name, value, attrs)
        finally:
            del field.label_from_instance
        model = self.field.remote_field.model
        context["widget"]["chosen"] = chosen[0] if chosen else None
        context["widget"]["picker_url"] = reverse(
            f"{self.admin_site.name}:{model._meta.app_label}_{model._meta.model_name}_picker"
        )
        return context

    @property
    def media(self):
        return super().media + forms.Media(js=["editing/featured-image.js"])
