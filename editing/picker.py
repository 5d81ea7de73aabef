"""The body editor's image picker: the image library in the Figure dialog's "Browse…" window.

django-prose-editor's Figure dialog opens this page (its pickerUrl, set in
settings.STATEMENT_BODY_EXTENSIONS) in a small window, CKEditor style, and
takes back the chosen image's address, id (the figure's reference, see
statements.figures), alt text and caption; the featured-image field's button
(editing.widgets.FeaturedImageSelect) opens it with target=featured. Newest first, searched by caption,
alt text and credit, 50 to a page; a new image can be uploaded right here,
through the library's own form (statements.forms.ImageForm: the same checks,
re-encoding and metadata stripping).
"""

import json
import re

from django.contrib.admin.utils import construct_change_message
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _

from advocacy.numbers import whole_number

PER_PAGE = 50
# The dialog numbers its callbacks -1, -2, … (CKEditor's own are positive).
_CALLBACK = re.compile(r"-?[0-9]{1,9}")


def callback_number(value):
    """The opening dialog's callback number, or "" when none was sent."""
    value = (value or "").strip()
    return value if _CALLBACK.fullmatch(value) else ""


def choice(image):
    """What the editor's dialog is given for `image` (and what the page's buttons carry)."""
    return {
        "url": image.file.url,
        "id": image.pk,
        "alternative_text": image.alt_text,
        "caption": image.caption,
        "credit": image.credit,
        "thumbnail": image.thumbnail_url,
        "label": str(image),
    }


def target(value):
    """Who opened the picker: the featured-image field, or else the body's Figure dialog."""
    return "featured" if value == "featured" else ""


class ImagePickerAdminMixin:
    """For ImageAdmin: the picker at <admin>/statements/image/picker/."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "picker/",
                self.admin_site.admin_view(self.picker_view),
                name="{}_{}_picker".format(*info),
            ),
            *super().get_urls(),
        ]

    def picker_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        may_upload = self.has_add_permission(request)
        form_class = self.get_form(request, None, fields=None)
        chosen = None
        if request.method == "POST":
            if not may_upload:
                raise PermissionDenied
            form = form_class(request.POST, request.FILES)
            if form.is_valid():
                image = form.save(commit=False)
                image.uploaded_by = request.user
                image.save()
                self.log_addition(request, image, construct_change_message(form, [], True))
                chosen = choice(image)
                form = form_class()
        else:
            form = form_class()

        query = request.GET.get("q", "").strip()[:200]
        page = min(max(whole_number(request.GET.get("page"), max_digits=5) or 1, 1), 10_000)
        images = self.model.objects.order_by("-uploaded_at", "-pk")
        if query:
            images = images.filter(
                Q(caption__icontains=query)
                | Q(alt_text__icontains=query)
                | Q(credit__icontains=query)
            )
        # One query a page: one row more than shown says whether an older page exists.
        rows = list(images[(page - 1) * PER_PAGE : page * PER_PAGE + 1])
        context = {
            # Not admin_site.each_context: the window shows no menu, so it needs
            # none of the app list's queries.
            "site_title": self.admin_site.site_title,
            "site_header": self.admin_site.site_header,
            "site_url": self.admin_site.site_url,
            "has_permission": True,
            "is_popup": True,
            "is_nav_sidebar_enabled": False,
            "available_apps": [],
            "opts": self.opts,
            "title": _("Choose an image from the library"),
            "images": [(image, json.dumps(choice(image))) for image in rows[:PER_PAGE]],
            "query": query,
            "page": page,
            "has_older": len(rows) > PER_PAGE,
            "func_num": callback_number(request.GET.get("CKEditorFuncNum")),
            "target": target(request.GET.get("target")),
            "form": form if may_upload else None,
            "chosen": json.dumps(chosen) if chosen else "",
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/editing/image_picker.html", context)
