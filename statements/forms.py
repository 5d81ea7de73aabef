from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage

from . import figures, images
from .models import Image, Statement

STORAGE_FAILED = _(
    "The image could not be saved: the server's storage is full or unavailable. "
    "Nothing was changed; please tell your site administrator."
)


def https_url_fields(db_field, **kwargs):
    """A link typed as "example.org" means https://example.org (Django 6's default)."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class ImageFileField(forms.ImageField):
    """Django's image field, naming the pixel limit when Pillow refuses a giant.

    Django opens every upload with Pillow before our validators run, and Pillow
    refuses to open an image of more than twice its own pixel limit (about 179
    megapixels) — a header-only giant — which Django would report as "not an
    image or a corrupted image".
    """

    def to_python(self, data):
        try:
            return super().to_python(data)
        except ValidationError as error:
            if isinstance(error.__cause__, PILImage.DecompressionBombError):
                raise images.far_too_many_pixels() from error.__cause__
            raise

    def widget_attrs(self, widget):
        # The browser's file picker offers the formats the library stores.
        return {**super().widget_attrs(widget), "accept": images.ACCEPTED_MIME_TYPES}


class ImageForm(forms.ModelForm):
    class Meta:
        model = Image
        fields = ["file", "alt_text", "caption", "credit", "credit_url"]
        field_classes = {"file": ImageFileField}
        help_texts = {"file": lazy(images.describe_limits, str)()}
        formfield_callback = https_url_fields

    def _post_clean(self):
        super()._post_clean()
        upload = self.cleaned_data.get("file")
        if self.errors or not isinstance(upload, UploadedFile):
            return
        # Store the file while errors can still be shown on the form: a full
        # disk becomes a message by the file field, not a server error.
        try:
            self.instance.store_upload(upload)
        except images.storage_errors():
            self.add_error("file", STORAGE_FAILED)


class StatementForm(forms.ModelForm):
    """The admin's statement form: a body shows library images only (statements.figures)."""

    class Meta:
        model = Statement
        fields = ["body"]  # the admin adds the fields of its fieldsets

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The admin shows "Publish at" once, before both boxes, labelling neither.
        if "publish_at" in self.fields:
            date_box, time_box = self.fields["publish_at"].widget.widgets
            date_box.attrs["aria-label"] = _("Publish at: date")
            time_box.attrs["aria-label"] = _("Publish at: time")

    def clean_body(self):
        # The field has already sanitized the body, dropping any image from
        # another site; check what the editor sent, so the message can name it.
        found = figures.check_body(self["body"].data or "")
        return figures.normalize_addresses(self.cleaned_data["body"], found)
