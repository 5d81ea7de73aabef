"""The site's own name, tagline, logo, accent colour and footer text: one row, in the admin.

With no row (a site that never opened the settings), the site shows what it
always did: SITE_NAME and SITE_TAGLINE from the environment and the stylesheet's
own colours (branding.site reads the row and these defaults). The links of the
header, the footer and the social accounts are the menus' (pages.MenuItem).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from advocacy.db import length_limits
from statements.models import Image

from . import colours

SINGLE_ROW = 1


class SiteSettings(models.Model):
    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLE_ROW, editable=False)
    name = models.CharField(
        _("site name"), max_length=100, help_text=_("Shown in the header, page titles and feeds.")
    )
    tagline = models.CharField(
        _("tagline"),
        max_length=200,
        blank=True,
        help_text=_("Shown under the name, and as the description of pages that have none."),
    )
    logo = models.ForeignKey(
        Image,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("logo"),
        help_text=_(
            "An image of the library, shown in the header with the site name as its "
            "alternative text; the favicon is made from it."
        ),
    )
    show_name = models.BooleanField(
        _("show the name beside the logo"),
        default=True,
        help_text=_("Untick when the logo already spells the name."),
    )
    accent = models.CharField(
        _("accent colour"),
        max_length=7,
        blank=True,
        validators=[colours.validate_accent],
        help_text=_(
            "Buttons, the header's rule and form errors, as # and six hexadecimal digits "
            "(e.g. #0b5394). It must keep a contrast of 4.5:1 with the page and with white "
            "text on it (WCAG AA). Empty: the site's own red."
        ),
    )
    footer_text = models.TextField(
        _("footer text"),
        max_length=1000,
        blank=True,
        help_text=_("Plain text at the foot of every page, e.g. an address or a licence."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=SINGLE_ROW), name="branding_sitesettings_single_row"
            ),
            *length_limits("sitesettings", name=100, tagline=200, accent=7, footer_text=1000),
        ]

    def __str__(self):
        return str(_("Site settings"))

    def save(self, *args, **kwargs):
        self.pk = SINGLE_ROW
        # A new object where the row exists (the shell, a script) replaces the row's values.
        if self._state.adding and type(self).objects.filter(pk=SINGLE_ROW).exists():
            self._state.adding = False
        if self.accent:
            self.accent = colours.normalize(self.accent)
        super().save(*args, **kwargs)
