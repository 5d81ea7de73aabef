"""The site's own pages (About, Contact, Donate…) and the menus that link to them and more.

A page's body is written with the same editor, figures and sanitizer as a
statement's, and shown the same way (statements.rendering expands its figures
from the image library when it is saved).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField

from advocacy.db import length_limits
from statements.models import Image, Organization, Topic, unique_slug
from statements.rendering import render_body
from statements.sanitize import sanitize_html


class PageQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Page.Status.PUBLISHED)


class Page(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        help_text=_("The page's address: /pages/<slug>/ (letters, digits and hyphens)."),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        verbose_name=_("parent page"),
        help_text=_("Shown above the title as a link back."),
    )
    body = ProseEditorField(
        _("body"),
        config={"extensions": settings.STATEMENT_BODY_EXTENSIONS},
        sanitize=sanitize_html,
        blank=True,
    )
    # As the public page shows it (figures expanded from the library), on every save.
    body_html = models.TextField(editable=False, blank=True)
    body_images = models.ManyToManyField(
        Image, editable=False, blank=True, related_name="pages_in_body"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        constraints = length_limits("page", title=255, slug=200)

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Page, self.title, exclude_pk=self.pk, fallback="page")
        # Sanitized here too: imports and the shell bypass the form.
        self.body = sanitize_html(self.body)
        self.body_html, images = render_body(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "body", "body_html"}
        super().save(*args, **kwargs)
        self.body_images.set(images)

    def get_absolute_url(self):
        return reverse("pages:detail", kwargs={"slug": self.slug})

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED


class MenuItemQuerySet(models.QuerySet):
    def shown(self):
        """Items whose page is published (or that link elsewhere), in menu order."""
        return (
            self.filter(models.Q(page__isnull=True) | models.Q(page__status=Page.Status.PUBLISHED))
            .select_related("page", "topic", "organization")
            .order_by("menu", "order", "pk")
        )


class MenuItem(models.Model):
    """One link of the header menu, the footer menu or the social accounts.

    It links to exactly one of: a site page, a topic, an organization or an
    address elsewhere. Its label, left empty, is the page's title or the
    topic's or organization's name, so a renamed page is renamed in the menu.
    """

    class Menu(models.TextChoices):
        HEADER = "header", _("Header menu")
        FOOTER = "footer", _("Footer menu")
        SOCIAL = "social", _("Social accounts")

    menu = models.CharField(_("menu"), max_length=10, choices=Menu, default=Menu.HEADER)
    order = models.IntegerField(
        _("order"), default=0, help_text=_("Lower numbers come first in the menu.")
    )
    label = models.CharField(
        _("label"),
        max_length=100,
        blank=True,
        help_text=_("Left empty: the page's title, or the topic's or organization's name."),
    )
    page = models.ForeignKey(
        Page,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="menu_items",
        verbose_name=_("site page"),
    )
    topic = models.ForeignKey(
        Topic,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="menu_items",
        verbose_name=_("topic"),
    )
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="menu_items",
        verbose_name=_("organization"),
    )
    url = models.URLField(
        _("address elsewhere"),
        max_length=500,
        blank=True,
        help_text=_("A link to another site, e.g. https://mastodon.social/@ourgroup."),
    )

    objects = MenuItemQuerySet.as_manager()

    TARGETS = ("page", "topic", "organization", "url")

    class Meta:
        ordering = ["menu", "order", "pk"]
        verbose_name = _("menu item")
        verbose_name_plural = _("menu items")
        constraints = [
            # Exactly one target: a page, a topic, an organization or an address.
            models.CheckConstraint(
                condition=(
                    models.Q(
                        page__isnull=False, topic__isnull=True, organization__isnull=True, url=""
                    )
                    | models.Q(
                        page__isnull=True, topic__isnull=False, organization__isnull=True, url=""
                    )
                    | models.Q(
                        page__isnull=True, topic__isnull=True, organization__isnull=False, url=""
                    )
                    | (
                        models.Q(page__isnull=True, topic__isnull=True, organization__isnull=True)
                        & ~models.Q(url="")
                    )
                ),
                name="menuitem_exactly_one_target",
            ),
            # An address elsewhere needs a name to be read by.
            models.CheckConstraint(
                condition=models.Q(url="") | ~models.Q(label=""), name="menuitem_link_has_label"
            ),
            *length_limits("menuitem", label=100, url=500),
        ]

    def __str__(self):
        return self.title

    def _targets(self):
        return [
            name
            for name in self.TARGETS
            if (getattr(self, name) if name == "url" else getattr(self, f"{name}_id"))
        ]

    def clean(self):
        targets = self._targets()
        if len(targets) != 1:
            raise ValidationError(
                _("Choose one of: a site page, a topic, an organization or an address elsewhere."),
                code="one_target",
            )
        if self.url and not self.label:
            raise ValidationError(
                {"label": _("A link to another site needs a label, e.g. “Mastodon”.")},
                code="label_required",
            )
        if self.menu == self.Menu.SOCIAL and not self.url:
            raise ValidationError(
                {
                    "url": _(
                        "A social account is an address elsewhere, e.g. https://mastodon.social/@ourgroup."
                    )
                },
                code="social_is_a_link",
            )

    @property
    def target(self):
        return self.page or self.topic or self.organization

    @property
    def title(self):
        if self.label:
            return self.label
        target = self.target
        return str(target) if target is not None else self.url

    @property
    def address(self):
        target = self.target
        return target.get_absolute_url() if target is not None else self.url

    @property
    def is_elsewhere(self):
        return bool(self.url)
