"""The statement admin form as a browser posts it, for tests that save through the admin."""

from django.utils import timezone

CHANGE = "/admin/statements/statement/{}/change/"


def statement_form_data(statement, **changes):
    """Everything the change form would post for `statement`, with `changes` applied."""
    publish_at = timezone.localtime(statement.publish_at)
    notes = list(statement.editor_notes.all())
    data = {
        "title": statement.title,
        "slug": statement.slug,
        "organizations": [o.pk for o in statement.organizations.all()],
        "statement_date": statement.statement_date.isoformat(),
        "summary": statement.summary,
        "body": statement.body,
        "status": statement.status,
        "publish_at_0": publish_at.strftime("%Y-%m-%d"),
        "publish_at_1": publish_at.strftime("%H:%M:%S"),
        # Fields with a callable default carry their initial value, to tell a change.
        "initial-statement_date": statement.statement_date.isoformat(),
        "language": statement.language,
        "initial-language": statement.language,
        "translation_of": statement.translation_of_id or "",
        "initial-publish_at_0": publish_at.strftime("%Y-%m-%d"),
        "initial-publish_at_1": publish_at.strftime("%H:%M:%S"),
        "author": statement.author_id or "",
        "topics": [t.pk for t in statement.topics.all()],
        "featured_image": statement.featured_image_id or "",
        "source_name": statement.source_name,
        "source_url": statement.source_url,
        "editor_notes-TOTAL_FORMS": str(len(notes)),
        "editor_notes-INITIAL_FORMS": str(len(notes)),
        "editor_notes-MIN_NUM_FORMS": "0",
        "editor_notes-MAX_NUM_FORMS": "1000",
    }
    if statement.comments_open:
        data["comments_open"] = "on"
    if statement.do_not_email:
        data["do_not_email"] = "on"
    for i, note in enumerate(notes):
        data.update(
            {
                f"editor_notes-{i}-id": note.pk,
                f"editor_notes-{i}-statement": statement.pk,
                f"editor_notes-{i}-editor": note.editor_id,
                f"editor_notes-{i}-placement": note.placement,
                f"editor_notes-{i}-position": note.position,
                f"editor_notes-{i}-text": note.text,
            }
        )
    data.update(changes)
    return data


def save_in_admin(client, statement, **changes):
    response = client.post(CHANGE.format(statement.pk), statement_form_data(statement, **changes))
    if response.status_code != 302:
        context = response.context or {}
        raise AssertionError(f"not saved ({response.status_code}): {context.get('errors')!r}")
    statement.refresh_from_db()
    return response
