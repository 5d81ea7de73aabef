"""The site's own pages (About, Contact, Donate…): one address each, in a menu if staff choose.

A page's body is written with the same editor, figures and sanitizer as a
statement's, and shown the same way (statements.rendering expands its figures
from the image library when it is saved).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField

from advocacy.db import length_limits
from statements.models import Image, unique_slug
from statements.rendering import render_body
from statements.sanitize import sanitize_html


class PageQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Page.Status.PUBLISHED)

    def in_menu(self, menu):
        return self.published().filter(menu=menu).order_by("menu_order", "title")


class Page(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class Menu(models.TextChoices):
        NONE = "", _("In no menu")
        HEADER = "header", _("Header menu")
        FOOTER = "footer", _("Footer menu")

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
    menu = models.CharField(_("menu"), max_length=10, choices=Menu, default=Menu.NONE, blank=True)
    menu_order = models.IntegerField(
        _("menu order"), default=0, help_text=_("Lower numbers come first in the menu.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["menu_order", "title"]
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
