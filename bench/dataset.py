"""The benchmark's data set; run by bench/run.py with the server's environment.

    DJANGO_SETTINGS_MODULE=advocacy.settings DATABASE_URL=… python bench/dataset.py

Loads into a freshly migrated, empty database:

- one statement shaped like the reference page: a title with U+2212 (minus
  sign), two organizations, an editor's note, a featured image, a figure in
  the body, twelve paragraphs, and 50 approved comments (some of them replies);
- 200 more published statements (bulk_create), a third of them with a featured
  image, spread over the last two years.

All text is invented for the benchmark. Prints one line of JSON: what the
benchmark needs to know (the statement's slug and title, counts).
"""

import json
import os
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocacy.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.html import format_html  # noqa: E402

from bench import reference  # noqa: E402
from bench.reference import PARAGRAPHS, picture  # noqa: E402
from comments.models import Comment  # noqa: E402
from comments.moderation import refresh_comment_counts  # noqa: E402
from comments.text import comment_text  # noqa: E402
from statements.labels import refresh_labels  # noqa: E402
from statements.models import (  # noqa: E402
    EditorNote,
    Image,
    Organization,
    StaffProfile,
    Statement,
    Topic,
)

OTHER_STATEMENTS = 200


def make_image(seed, alt, caption, credit, uploader):
    image = Image(
        file=ContentFile(picture(seed), name=f"bench-{seed}.jpg"),
        alt_text=alt,
        caption=caption,
        credit=credit,
        uploaded_by=uploader,
    )
    image.full_clean()
    image.save()  # re-encodes and makes the renditions, as an upload in the admin does
    return image


def figure_html(image):
    # The shape statements.rendering expands into the library's figure.
    return format_html(
        '<figure><img src="/media/{}" alt="{}"><figcaption>{}</figcaption></figure>',
        image.file.name,
        image.alt_text,
        image.caption,
    )


def body_html(figure):
    parts = {
        "paragraph": lambda text: f"<p>{text}</p>",
        "figure": lambda _: figure,
        "heading": lambda text: f"<h2>{text}</h2>",
        "quote": lambda lines: (
            "<blockquote>" + "".join(f"<p>{line}</p>" for line in lines) + "</blockquote>"
        ),
        "list": lambda items: "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>",
    }
    return "\n".join(parts[kind](content) for kind, content in reference.BODY)


@transaction.atomic
def load():
    now = timezone.now()
    person = reference.EDITOR
    editor = get_user_model().objects.create_user(
        person["username"],
        "editor@bench.example",
        first_name=person["first_name"],
        last_name=person["last_name"],
    )
    StaffProfile.objects.create(user=editor, initials=person["initials"])
    tenants, energy = (
        Organization.objects.create(name=name, slug=slug, url=url)
        for name, slug, url in reference.ORGANIZATIONS
    )
    housing, energy_topic = (
        Topic.objects.create(name=name, slug=slug) for name, slug in reference.TOPICS
    )

    featured = make_image(*reference.FEATURED_IMAGE, editor)
    in_body = make_image(*reference.BODY_IMAGE, editor)
    statement = Statement(
        slug=reference.REFERENCE_SLUG,
        title=reference.REFERENCE_TITLE,
        statement_date=(now - timedelta(days=3)).date(),
        summary=reference.SUMMARY,
        body=body_html(figure_html(in_body)),
        status=Statement.Status.PUBLISHED,
        publish_at=now - timedelta(days=2),
        author=editor,
        featured_image=featured,
        source_name=reference.SOURCE_NAME,
        source_url=reference.SOURCE_URL,
    )
    statement.save()  # renders the body (figures expanded) as an editor's save does
    statement.organizations.set([tenants, energy])
    statement.topics.set([housing, energy_topic])
    EditorNote.objects.create(
        statement=statement,
        text=reference.EDITOR_NOTE,
        editor=editor,
        placement=EditorNote.Placement.ABOVE,
    )

    # The comments of reference.REPLY_TO: the thread, then replies, then replies to those.
    def comment(i, parent=None):
        fields = reference.comment_fields(i)
        return Comment(
            statement=statement,
            parent=parent,
            **fields,
            body_html=comment_text(fields["body"]),  # as save() renders it
            status=Comment.Status.APPROVED,
            ip_address="192.0.2.1",
            fingerprint=Comment.make_fingerprint(statement.pk, fields["email"], fields["body"]),
        )

    top = Comment.objects.bulk_create([comment(i) for i in range(40)])
    replies = Comment.objects.bulk_create(
        [comment(i, parent=top[reference.REPLY_TO[i]]) for i in range(40, 47)]
    )
    Comment.objects.bulk_create(
        [comment(i, parent=replies[reference.REPLY_TO[i] - 40]) for i in range(47, 50)]
    )
    created = Comment.objects.filter(statement=statement).order_by("pk")
    for i, pk in enumerate(created.values_list("pk", flat=True)):
        Comment.objects.filter(pk=pk).update(created_at=reference.comment_time(now, i))
    refresh_comment_counts([statement.pk])

    # 200 more statements, the quick way: no per-row save().
    pictures = [
        make_image(3 + i, f"Bench picture {i}.", "", "© Bench Photo", editor) for i in range(3)
    ]
    others = []
    for i in range(OTHER_STATEMENTS):
        text = (
            f"<p>Statement {i} of the benchmark. {PARAGRAPHS[i % len(PARAGRAPHS)]}</p>"
            f"<p>{PARAGRAPHS[(i + 5) % len(PARAGRAPHS)]}</p>"
        )
        others.append(
            Statement(
                slug=f"bench-statement-{i:03d}",
                title=f"Benchmark statement number {i}: rents, repairs and heating",
                statement_date=(now - timedelta(days=3 + i * 3)).date(),
                summary=f"Summary of benchmark statement {i}: what we ask for and why.",
                body=text,
                body_html=text,  # no figures: the rendered body is the body
                body_text=text.replace("<p>", "").replace("</p>", "\n"),
                status=Statement.Status.PUBLISHED,
                publish_at=now - timedelta(days=3 + i * 3, hours=i % 7),
                author=editor,
                featured_image=pictures[i % 3] if i % 3 == 0 else None,
            )
        )
    others = Statement.objects.bulk_create(others)
    orgs_through = Statement.organizations.through
    topics_through = Statement.topics.through
    orgs_through.objects.bulk_create(
        orgs_through(statement_id=s.pk, organization_id=(tenants if i % 2 else energy).pk)
        for i, s in enumerate(others)
    )
    topics_through.objects.bulk_create(
        topics_through(statement_id=s.pk, topic_id=(housing if i % 2 else energy_topic).pk)
        for i, s in enumerate(others)
    )
    refresh_labels(Statement, [s.pk for s in others])  # links stored in bulk send no signal
    return {
        "slug": statement.slug,
        "title": statement.title,
        "path": statement.get_absolute_url(),
        "comments": Comment.objects.filter(statement=statement).approved().count(),
        "statements": Statement.objects.published().count(),
    }


if __name__ == "__main__":
    if Statement.objects.exists():
        sys.exit("The database already has statements: the bench loads into an empty one.")
    print(json.dumps(load()))
