from django import forms
from django.utils.translation import gettext_lazy as _


class PersonalDataForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_(
            "Everything stored about this address: comments (with their IP addresses), the "
            "email subscription and its deliveries, and requests to be mailed replies."
        ),
    )
