"""Loads bench/reference.py's statement into the Wagtail comparison site, and checks the page.

    DJANGO_SETTINGS_MODULE=benchsite.settings … <wagtail venv>/bin/python load.py

Run by bench/wagtail_compare.py in a freshly migrated database. Prints one line
of JSON: the page's path.
"""

import json
import os
import sys
from html import escape
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository: bench.reference
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchsite.settings")

import django

django.setup()


from django.conf import settings  # noqa: E402
from django.core.files.images import ImageFile  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from pages.models import (  # noqa: E402
    Comment,
    LibraryImage,
    Organization,
    StatementIndexPage,
    StatementPage,
)
from wagtail.models import Site  # noqa: E402
from wagtail.rich_text import RichText  # noqa: E402

from bench import reference  # noqa: E402


def library_image(seed, alt, caption, credit):
    image = LibraryImage(
        title=caption or alt,
        description=alt,
        caption=caption,
        credit=credit,
        file=ImageFile(BytesIO(reference.picture(seed)), name=f"bench-{seed}.jpg"),
    )
    image.save()
    return image


def stream(figure):
    """reference.BODY as StreamField blocks; lists go into a paragraph, as the editor does."""
    blocks = []
    for kind, content in reference.BODY:
        if kind == "paragraph":
            blocks.append(("paragraph", RichText(f"<p>{escape(content, quote=False)}</p>")))
        elif kind == "heading":
            blocks.append(("heading", content))
        elif kind == "figure":
            blocks.append(("figure", {"image": figure, "caption": ""}))
        elif kind == "quote":
            lines = "".join(f"<p>{escape(line, quote=False)}</p>" for line in content)
            blocks.append(("quote", RichText(lines)))
        elif kind == "list":
            items = "".join(f"<li>{escape(item, quote=False)}</li>" for item in content)
            blocks.append(("paragraph", RichText(f"<ul>{items}</ul>")))
    return blocks


@transaction.atomic
def load():
    now = timezone.now()
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.site_name = settings.ALLOWED_HOSTS[0], settings.WAGTAIL_SITE_NAME
    site.save()
    home = site.root_page
    index = home.add_child(instance=StatementIndexPage(title="Statements", slug="statements"))
    organizations = [
        Organization.objects.create(name=name, url=url)
        for name, _slug, url in reference.ORGANIZATIONS
    ]
    page = StatementPage(
        title=reference.REFERENCE_TITLE,
        slug=reference.REFERENCE_SLUG,
        statement_date=(now - timezone.timedelta(days=3)).date(),
        summary=reference.SUMMARY,
        featured_image=library_image(*reference.FEATURED_IMAGE),
        editor_note=reference.EDITOR_NOTE,
        editor_initials=reference.EDITOR["initials"],
        source_name=reference.SOURCE_NAME,
        source_url=reference.SOURCE_URL,
        body=stream(library_image(*reference.BODY_IMAGE)),
    )
    page.organizations = organizations
    index.add_child(instance=page)
    page.save_revision().publish()
    comments = {}
    for i in range(reference.COMMENTS):
        comments[i] = Comment.objects.create(
            page=page,
            parent=comments.get(reference.REPLY_TO.get(i)),
            approved=True,
            **reference.comment_fields(i),
        )
        Comment.objects.filter(pk=comments[i].pk).update(created_at=reference.comment_time(now, i))
    return page.url


def check(path):
    """The page shows what our statement page shows: every paragraph, the note, 50 comments."""
    html = Client().get(path, HTTP_HOST=settings.ALLOWED_HOSTS[0]).content.decode()
    expected = [*reference.PARAGRAPHS, reference.EDITOR_NOTE, reference.BODY_IMAGE[2]]
    expected += [name for name, _slug, _url in reference.ORGANIZATIONS]
    missing = [text for text in expected if escape(text, quote=False) not in html]
    comments = html.count('<li class="comment"')
    if missing or comments != reference.COMMENTS or "<picture>" not in html:
        sys.exit(f"The Wagtail page lacks {missing} or shows {comments} comments:\n{html}")


if __name__ == "__main__":
    path = load()
    check(path)
    print(json.dumps({"path": path}))
