"""Revisions of statements: what is kept, listed, compared and restored.

django-reversion stores them (one Revision per save, holding a Version of the
statement and of each of its editor's notes); this module decides what a
revision holds (editing.content.FIELDS: what editors write, never what is
derived from it) and how one is put back. Reversion's own revert() is not
used: it writes rows raw, past Statement.save and the signals, so the page
would keep its old body_html and the cached pages their old content. A
restore here is an ordinary edit (editing.content.apply) inside a new
revision, so nothing is lost: the restored state is the newest revision, and
everything before it is still listed.

A statement saved without the admin so far (imported, made in the shell or by
the demo) has no revision; its first admin edit keeps its stored state as a
revision first (keep_first_state), so that edit too can be undone.

Revisions are kept for ever unless REVISIONS_KEEP (a number) says how many
of each statement's newest to keep.
"""

import reversion
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reversion.models import Revision, Version

from statements.models import EditorNote, Statement

from . import content


def register():
    """Called once, from EditingConfig.ready."""
    if not reversion.is_registered(EditorNote):
        reversion.register(EditorNote, fields=content.NOTE_FIELDS)
    if not reversion.is_registered(Statement):
        reversion.register(Statement, fields=content.FIELDS, follow=["editor_notes"])


def revisions_of(statement):
    """The statement's revisions, newest first, with who saved each (one query)."""
    return list(
        Version.objects.get_for_object(statement)
        .select_related("revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def latest_id(statement):
    version = Version.objects.get_for_object(statement).order_by("-pk").only("pk").first()
    return version.pk if version else None


def get_version(statement, version_id):
    """The statement's own revision `version_id`, or 404 (another statement's is not its)."""
    try:
        version_id = int(version_id)
    except (TypeError, ValueError):
        raise Http404(_("No such revision.")) from None
    version = (
        Version.objects.get_for_object(statement)
        .select_related("revision__user")
        .filter(pk=version_id)
        .first()
    )
    if version is None:
        raise Http404(_("No such revision."))
    return version


def content_of(version):
    """What the statement held in this revision, as editing.content.snapshot gives it."""
    fields = version.field_dict
    data = {}
    for name in content.FIELDS:
        attname = Statement._meta.get_field(name).attname
        if attname in fields:
            value = fields[attname]
            data[name] = sorted(value) if name in content.MANY_TO_MANY else value
    note_type = ContentType.objects.get_for_model(EditorNote)
    notes = [
        (v.field_dict, int(v.object_id))
        for v in version.revision.version_set.filter(content_type=note_type)
    ]
    data["notes"] = [
        {
            name: fields.get(EditorNote._meta.get_field(name).attname)
            for name in content.NOTE_FIELDS
        }
        for fields, _pk in sorted(notes, key=lambda item: (item[0].get("position", 0), item[1]))
    ]
    return data


def describe(version):
    """ "12 Mar 2026, 14:05 by jordan" for messages and comments."""
    when = formats.date_format(
        timezone.localtime(version.revision.date_created), "DATETIME_FORMAT"
    )
    user = version.revision.user
    if user is None:
        return when
    return _("%(when)s by %(user)s") % {"when": when, "user": user.get_username()}


def label(version):
    """ "Revision #41: 12 Mar 2026, 14:05 by jordan": two of one minute stay apart."""
    return _("Revision #%(id)s: %(described)s") % {
        "id": version.pk,
        "described": describe(version),
    }


class Restored:
    def __init__(self, missing, raced):
        self.missing, self.raced = missing, raced


def restore(statement_id, version, user, *, seen_latest=None):
    """Put the statement back as `version` holds it, as a new revision; return a Restored.

    `seen_latest` is the newest revision the editor saw: if another editor
    saved after it, both revisions are kept and the restore still wins (it
    was asked for last); Restored.raced says so, for the editor to check.
    """
    with transaction.atomic():
        # One restore or save at a time per statement: the second waits here.
        statement = Statement.objects.select_for_update().get(pk=statement_id)
        raced = seen_latest is not None and latest_id(statement) != seen_latest
        data = content_of(version)
        with reversion.create_revision(atomic=False):
            reversion.set_user(user)
            reversion.set_comment(_("Restored the revision of %s.") % describe(version))
            missing = content.apply(statement, data)
        prune(statement)
    return Restored(missing, raced)


def keep_first_state(statement):
    """A statement saved only outside the admin so far (an import, the shell, the demo)
    gets its stored state as a revision before its first admin edit, so that edit can
    be undone too. Call before that edit, outside its revision; True if one was kept.
    """
    if Version.objects.get_for_object(statement).exists():
        return False
    stored = Statement.objects.get(pk=statement.pk)
    with reversion.create_revision(atomic=False):
        reversion.add_to_revision(stored)
        reversion.set_date_created(stored.updated_at)
        reversion.set_comment(_("As it was before its first revision (saved without the admin)."))
    return True


def prune(obj):
    """Drop the oldest revisions of `obj` (a statement or a page) beyond REVISIONS_KEEP (0: all kept)."""
    keep = getattr(settings, "REVISIONS_KEEP", 0)
    if not keep:
        return
    old = list(
        Version.objects.get_for_object(obj)
        .order_by("-pk")
        .values_list("revision_id", flat=True)[keep:]
    )
    if old:
        Revision.objects.filter(pk__in=old).delete()  # its versions (and notes') go with it
