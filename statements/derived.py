"""A statement's stored values that are derived from other data, and keeping them true.

What editors write is the statement's title, summary, body and links; what
its pages read is stored beside it, worked out here:

- `body_html` (the body as the page shows it, figures expanded from the
  image library), `body_text` (for search) and `body_images` (which library
  images the body shows): from the body, on every save (statement_saving /
  statement_saved, called by Statement.save), and again for every statement
  that shows an image when the image is edited (image_changed);
- `search_vector` (PostgreSQL): from the title, summary and body_text, on
  every save;
- `labels` (its organizations' and topics' names and slugs, for the byline
  and topic links): when a link is added or removed from either side, and
  when an organization or topic is renamed or deleted (links_changed,
  label_saved, labels_after_delete);
- `comment_count`: written by comments.moderation.refresh_comment_counts,
  the only writer of comment state, which also refreshes the pages showing
  the count (statements.pages.statements_changed). It stays there: the count
  is a rule of the comments app (which comments count), and statements
  never imports comments.

Writes that bypass the model (QuerySet.update, bulk_create, raw SQL) bypass
this too: call refresh_labels / refresh_search_vectors after them, as
bench/ and generate_scale_data do. Statement.save and the receivers in
statements.signals are the only callers otherwise; the pages each change
touches are statements.pages' business, and the receivers call both.
"""

from django.db import connections

from . import labels, languages, translations
from .models import Statement, search_vector, unique_slug
from .rendering import body_as_text, render_body
from .sanitize import sanitize_html

# Saving a statement rewrites these whatever update_fields names.
DERIVED_ON_SAVE = ("body", "body_html", "body_text")


def statement_saving(statement, update_fields=None):
    """Before the row is written: derive its values; return (body images, update_fields)."""
    if not statement.slug:
        statement.slug = unique_slug(
            Statement, statement.title, exclude_pk=statement.pk, fallback="statement"
        )
    translations.flatten(statement)
    # Also sanitized here: the demo loader, shell and data imports bypass the form.
    statement.body = sanitize_html(statement.body)
    statement.body_html, images = render_body(statement.body)
    statement.body_text = body_as_text(statement.body)
    if update_fields is not None:
        update_fields = {*update_fields, *DERIVED_ON_SAVE}
    return images, update_fields


def statement_saved(statement, images):
    """After the row is written: what needs its primary key."""
    statement.body_images.set(images)
    languages.noticed(statement.language)
    refresh_search_vectors([statement.pk], using=statement._state.db or "default")


def refresh_search_vectors(statement_ids, *, using="default"):
    """PostgreSQL's search vectors of these statements, in one UPDATE (nothing on SQLite)."""
    if connections[using].vendor == "postgresql":
        Statement.objects.using(using).filter(pk__in=list(statement_ids)).update(
            search_vector=search_vector()
        )


def refresh_labels(statement_ids, *, unlinking=None):
    """Store these statements' labels as their links are (or will be once `unlinking` goes)."""
    labels.refresh_labels(Statement, statement_ids, unlinking=unlinking)


def image_changed(image):
    """A caption or credit corrected in the library is corrected in every body showing it."""
    for statement in image.statements_in_body.all():
        statement.save(update_fields=["body_html"])
