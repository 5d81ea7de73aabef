"""A statement as a Wagtail site would model it: a page, snippets, an image model, comments."""

from collections import defaultdict

from django.db import models
from django.shortcuts import redirect
from modelcluster.fields import ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.images.blocks import ImageChooserBlock
from wagtail.images.models import AbstractImage, AbstractRendition, Image
from wagtail.models import Page
from wagtail.snippets.models import register_snippet

from .forms import CommentForm


class LibraryImage(AbstractImage):
    """Wagtail's image with the caption and credit the statement page shows."""

    caption = models.CharField(max_length=300, blank=True)
    credit = models.CharField(max_length=300, blank=True)
    admin_form_fields = (*Image.admin_form_fields, "caption", "credit")


class LibraryRendition(AbstractRendition):
    image = models.ForeignKey(LibraryImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


@register_snippet
class Organization(models.Model):
    name = models.CharField(max_length=200)
    url = models.URLField(blank=True)

    def __str__(self):
        return self.name


class FigureBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    caption = blocks.CharBlock(required=False, help_text="Empty: the image's own caption.")

    class Meta:
        template = "pages/blocks/figure.html"


class StatementIndexPage(Page):
    subpage_types = ["pages.StatementPage"]


class StatementPage(Page):
    statement_date = models.DateField()
    summary = models.TextField(blank=True)
    organizations = ParentalManyToManyField(Organization, blank=True)
    featured_image = models.ForeignKey(
        LibraryImage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    editor_note = models.TextField(blank=True)
    editor_initials = models.CharField(max_length=10, blank=True)
    source_name = models.CharField(max_length=200, blank=True)
    source_url = models.URLField(blank=True)
    body = StreamField(
        [
            ("paragraph", blocks.RichTextBlock()),
            ("heading", blocks.CharBlock(form_classname="title", template="pages/blocks/h2.html")),
            ("figure", FigureBlock()),
            ("quote", blocks.RichTextBlock(template="pages/blocks/quote.html")),
        ]
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("statement_date"),
        FieldPanel("organizations"),
        FieldPanel("summary"),
        FieldPanel("featured_image"),
        MultiFieldPanel(
            [FieldPanel("editor_note"), FieldPanel("editor_initials")], "Editor’s note"
        ),
        MultiFieldPanel([FieldPanel("source_name"), FieldPanel("source_url")], "Repost"),
        FieldPanel("body"),
    ]
    parent_page_types = ["pages.StatementIndexPage"]

    def get_context(self, request, *args, form=None, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        comments = list(self.comments.filter(approved=True).order_by("created_at", "pk"))
        replies = defaultdict(list)
        for comment in comments:
            replies[comment.parent_id].append(comment)
        for comment in comments:
            comment.replies = replies[comment.pk]
        context["comments"] = replies[None]
        context["comment_count"] = len(comments)
        context["organizations"] = list(self.organizations.all())
        context["form"] = form or CommentForm()
        return context

    def serve(self, request, *args, **kwargs):
        if request.method == "POST":
            form = CommentForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                parent = self.comments.filter(pk=data["parent"], approved=True).first()
                Comment.objects.create(
                    page=self,
                    parent=parent,
                    name=data["name"],
                    email=data["email"],
                    website=data["website"],
                    body=data["comment"],
                )
                return redirect(self.url + "#respond")
            kwargs["form"] = form
        return super().serve(request, *args, **kwargs)


class Comment(models.Model):
    page = models.ForeignKey(StatementPage, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name = models.CharField(max_length=100)
    email = models.EmailField()
    website = models.URLField(blank=True)
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)
    approved = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["page", "approved", "created_at"])]

    def __str__(self):
        return f"{self.name} on {self.page}"
