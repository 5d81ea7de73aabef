from django import forms
from django.core.files.uploadedfile import UploadedFile

from .models import Image

STORAGE_FAILED = (
    "The image could not be saved: the server's storage is full or unavailable. "
    "Nothing was changed; please tell your site administrator."
)


class ImageForm(forms.ModelForm):
    class Meta:
        model = Image
        fields = ["file", "alt_text", "caption", "credit", "credit_url"]

    def _post_clean(self):
        super()._post_clean()
        upload = self.cleaned_data.get("file")
        if self.errors or not isinstance(upload, UploadedFile):
            return
        # Store the file while errors can still be shown on the form: a full
        # disk becomes a message by the file field, not a server error.
        try:
            self.instance.store_upload(upload)
        except OSError:
            self.add_error("file", STORAGE_FAILED)
