"""The subscribe and preferences forms (rendered by templates/subscriptions/)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from advocacy.jinja2 import PublicFormRenderer
from statements.models import Organization, Topic

from .addresses import EMAIL_MAX_LENGTH
from .models import Subscriber


class ChoicesForm(forms.Form):
    """What to receive and how often: the subscribe form's and the preferences page's."""

    default_renderer = PublicFormRenderer()

    scope = forms.ChoiceField(
        label=_("What"),
        choices=Subscriber.Scope.choices,
        initial=Subscriber.Scope.ALL,
        widget=forms.RadioSelect,
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    organizations = forms.ModelMultipleChoiceField(
        label=_("Organizations"),
        queryset=Organization.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Subscriber.Frequency.choices,
        initial=Subscriber.Frequency.IMMEDIATELY,
        widget=forms.RadioSelect,
    )

    def clean(self):
        data = super().clean()
        if data.get("scope") == Subscriber.Scope.CHOSEN and not (
            data.get("topics") or data.get("organizations")
        ):
            self.add_error(
                "scope", _("Choose at least one topic or organization, or “Every statement”.")
            )
        return data

    def choices(self):
        return {
            "scope": self.cleaned_data["scope"],
            "topics": list(self.cleaned_data["topics"]),
            "organizations": list(self.cleaned_data["organizations"]),
            "frequency": self.cleaned_data["frequency"],
        }


class SubscribeForm(ChoicesForm):
    email = forms.EmailField(
        label=_("Email"),
        max_length=EMAIL_MAX_LENGTH,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    # The page the form was on, for the consent record.
    source = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)

    field_order = ["email", "scope", "topics", "organizations", "frequency", "source"]
