from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

# Larger exports are for the command: a web request has a time limit, and
# the proxy (deploy/nginx.conf) refuses bodies over 12 MB.
UPLOAD_MAX_BYTES = getattr(settings, "WORDPRESS_UPLOAD_MAX_BYTES", 10 * 1_048_576)


class ImportForm(forms.Form):
    export = forms.FileField(
        label=_("WordPress export file"),
        help_text=_("From WordPress: Tools → Export → All content. At most %(mb)s MB here.")
        % {"mb": UPLOAD_MAX_BYTES // 1_048_576},
    )
    organization = forms.CharField(
        label=_("Byline"),
        max_length=200,
        required=False,
        help_text=_("The organization named on imported statements (default: the site's title)."),
    )
    fetch_media = forms.BooleanField(
        label=_("Download the photos from the old site"),
        required=False,
        help_text=_("Only from public addresses, each within 20 seconds and the upload limits."),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run"),
        required=False,
        help_text=_("Check the file and show the report, but keep nothing."),
    )

    def clean_export(self):
        upload = self.cleaned_data["export"]
        if upload.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _(
                    "This file is %(size)s MB; the upload limit is %(limit)s MB. Import larger "
                    "exports with the command: manage.py import_wordpress FILE."
                ),
                code="too_large",
                params={
                    "size": round(upload.size / 1_048_576, 1),
                    "limit": UPLOAD_MAX_BYTES // 1_048_576,
                },
            )
        return upload
