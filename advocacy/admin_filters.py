from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class DefaultStateFilter(admin.SimpleListFilter):
    """A list filter on one choices field that opens on a `default` state, with "All".

    Subclasses set `title`, `parameter_name`, `field`, `states` (the field's
    TextChoices) and `default`: a moderation queue opens on what waits.
    """

    field = None
    states = None
    default = None

    def lookups(self, request, model_admin):
        return [*self.states.choices, ("all", _("All"))]

    def choices(self, changelist):
        # Django's own choices() adds an "All" that means no filter; here "All" is
        # a lookup of its own and no value means the default state.
        value = self.value()
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def value(self):
        return super().value() or self.default

    def queryset(self, request, queryset):
        value = self.value()
        if value == "all":
            return queryset
        if value in self.states.values:
            return queryset.filter(**{self.field: value})
        return queryset.none()
