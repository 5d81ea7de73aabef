from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from advocacy.db import length_limits

# Query parameters that name a page on WordPress sites: /?p=12, /?page_id=3, …
# A request with one is looked up before the page it would otherwise get (the home page).
ADDRESS_PARAMETERS = ("p", "page_id", "attachment_id", "cat", "tag")


def normalize(address, *, decoded=False):
    """The form an old address is stored and looked up in: a decoded path, and a
    WordPress address parameter if it has one ('/?p=12').

    `address` may be a full URL (of the old site) or a path; `decoded`: its
    path is decoded already (a request's path), and is not decoded again.
    """
    parts = urlsplit(address.strip())
    path = parts.path or "/"
    if not decoded:
        path = unquote(path)
    if not path.startswith("/"):
        path = "/" + path
    query = [
        pair
        for pair in parts.query.split("&")
        if pair.partition("=")[0] in ADDRESS_PARAMETERS and pair.partition("=")[2]
    ]
    return f"{path}?{query[0]}" if query else path


class Redirect(models.Model):
    old_path = models.CharField(
        _("old address"),
        max_length=500,
        unique=True,
        help_text=_("A path on this site, e.g. /2023/05/rent-freeze/ or /?p=12."),
    )
    new_url = models.CharField(
        _("goes to"),
        max_length=500,
        help_text=_("Where visitors are sent (permanently): a path here or a full address."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["old_path"]
        verbose_name = _("redirect")
        verbose_name_plural = _("redirects")
        constraints = length_limits("redirect", old_path=500, new_url=500, note=200)

    def __str__(self):
        return f"{self.old_path} → {self.new_url}"

    def save(self, *args, **kwargs):
        self.old_path = normalize(self.old_path)
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if not (self.old_path or "").startswith("/"):
            errors["old_path"] = _("Write the old address as a path starting with “/”.")
        if not (self.new_url or "").startswith(("/", "http://", "https://")):
            errors["new_url"] = _("Write a path starting with “/” or an http(s) address.")
        elif self.new_url.startswith("//"):
            errors["new_url"] = _("Write a path starting with a single “/”.")
        if errors:
            raise ValidationError(errors)


def add_many(pairs, note=""):
    """Store (old address, new URL) pairs; an old address already stored is pointed anew.

    Return how many were new. A few queries for any number of pairs, so an
    import does not pay one per address.
    """
    wanted = {}
    for old, new in pairs:
        old = normalize(old)
        if old != new and len(old) <= 500 and len(new) <= 500:
            wanted[old] = new
    if not wanted:
        return 0
    existing = {r.old_path: r for r in Redirect.objects.filter(old_path__in=list(wanted))}
    changed = [r for path, r in existing.items() if r.new_url != wanted[path]]
    for redirect in changed:
        redirect.new_url = wanted[redirect.old_path]
    if changed:
        Redirect.objects.bulk_update(changed, ["new_url"])
    new = [
        Redirect(old_path=p, new_url=u, note=note) for p, u in wanted.items() if p not in existing
    ]
    Redirect.objects.bulk_create(new, batch_size=500)
    return len(new)
