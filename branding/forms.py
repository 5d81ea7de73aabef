"""The site settings form: a logo chosen from the library or uploaded through it."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from statements import images
from statements.forms import ImageFileField, ImageForm

from . import colours
from .models import SiteSettings


class SiteSettingsForm(forms.ModelForm):
    logo_upload = ImageFileField(
        label=_("or upload a new logo"),
        required=False,
        help_text=_(
            "It joins the image library (the same checks and re-encoding as every upload) "
            "with the site name as its alternative text, and becomes the logo."
        ),
    )

    class Meta:
        model = SiteSettings
        fields = ["name", "tagline", "logo", "logo_upload", "show_name", "accent", "footer_text"]
        widgets = {"footer_text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, may_upload=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.logo_image_form = None
        if not may_upload:
            del self.fields["logo_upload"]
        else:
            self.fields[
                "logo_upload"
            ].help_text = f"{self.fields['logo_upload'].help_text} {images.describe_limits()}"

    def clean_accent(self):
        accent = self.cleaned_data.get("accent", "")
        return colours.normalize(accent) if accent else ""

    def _post_clean(self):
        super()._post_clean()
        upload = self.cleaned_data.get("logo_upload")
        # Last, once everything else is valid: the library's form stores the file as it
        # validates it, and a request refused for another reason must store nothing.
        if not upload or self.errors:
            if upload and self.errors:
                self.add_error(
                    "logo_upload",
                    ValidationError(
                        _("Choose the file again once the errors above are corrected."),
                        code="not_kept",
                    ),
                )
            return
        library = ImageForm(
            data={"alt_text": self.cleaned_data.get("name") or ""},
            files={"file": upload},
        )
        if not library.is_valid():
            for errors in library.errors.values():
                for error in errors:
                    self.add_error("logo_upload", error)
            return
        self.logo_image_form = library
