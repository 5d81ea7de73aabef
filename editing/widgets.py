"""Admin form controls that screen readers can name."""

from django.contrib.admin.widgets import AutocompleteSelectMultiple


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
