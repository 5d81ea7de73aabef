"""Plain helpers that create test data through the real models.

Every helper takes keyword arguments for what a test cares about and invents
the rest, so a test says only what matters to it. Text here is the project's
own; nothing is copied from the reference page.
"""

import itertools
from datetime import timedelta
from io import BytesIO

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageDraw

from statements.models import EditorNote, Image, Organization, StaffProfile, Statement, Topic
from subscriptions.models import Subscriber

User = get_user_model()
PASSWORD = "a-test-password-nobody-uses"

_counter = itertools.count(1)


def _next():
    return next(_counter)


# --- users ------------------------------------------------------------------


def make_user(username=None, *, staff=False, groups=(), initials=None, **fields):
    username = username or f"user{_next()}"
    user = User.objects.create_user(
        username=username,
        email=f"{username}@example.org",
        password=PASSWORD,
        is_staff=staff,
        **fields,
    )
    if groups:
        # The groups come from the data migration; a missing one is a failure.
        user.groups.add(*(Group.objects.get(name=name) for name in groups))
    if initials is not None:
        StaffProfile.objects.create(user=user, initials=initials)
    return user


def make_editor(username=None, *, initials="jb", **fields):
    """A staff member of the Editors group, signing notes with `initials`."""
    fields.setdefault("first_name", "Jordan")
    fields.setdefault("last_name", "Bell")
    return make_user(
        username or f"editor{_next()}", staff=True, groups=["Editors"], initials=initials, **fields
    )


def make_moderator(username=None, **fields):
    return make_user(
        username or f"moderator{_next()}", staff=True, groups=["Moderators"], **fields
    )


def make_contributor(username=None, **fields):
    """A staff member of the Contributors group: writes and submits, never publishes."""
    return make_user(
        username or f"contributor{_next()}", staff=True, groups=["Contributors"], **fields
    )


# --- organizations, topics --------------------------------------------------


def make_organization(name=None, *, url="", **fields):
    name = name or f"Coalition Number {_next()}"
    fields.setdefault("slug", slugify(name))
    return Organization.objects.create(name=name, url=url, **fields)


def make_topic(name=None, **fields):
    name = name or f"Topic {_next()}"
    fields.setdefault("slug", slugify(name))
    return Topic.objects.create(name=name, **fields)


# --- images -----------------------------------------------------------------


def jpeg_bytes(width=64, height=48, *, color=(40, 90, 160), exif=None, quality=90):
    """A real JPEG drawn by Pillow: a coloured field with a white bar on the left half."""
    picture = PILImage.new("RGB", (width, height), color)
    ImageDraw.Draw(picture).rectangle([0, 0, width // 2 - 1, height // 4], fill=(255, 255, 255))
    out = BytesIO()
    options = {"quality": quality}
    if exif is not None:
        options["exif"] = exif
    picture.save(out, "JPEG", **options)
    return out.getvalue()


GPS_EXIF = {0x8825: {1: "N", 2: (48.0, 51.0, 24.0)}, 0x010F: "PhoneMaker", 0x013B: "Jane Doe"}


def jpeg_with_gps(width=1400, height=900):
    """A phone's photo: GPS position, camera maker and owner in its EXIF (uploads must drop them)."""
    image = PILImage.new("RGB", (width, height), (30, 120, 90))
    exif = PILImage.Exif()
    for tag, value in GPS_EXIF.items():
        if tag == 0x8825:
            exif.get_ifd(0x8825).update(value)
        else:
            exif[tag] = value
    out = BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_bytes(width=16, height=16, color=(200, 30, 30, 255)):
    out = BytesIO()
    PILImage.new("RGBA", (width, height), color).save(out, "PNG")
    return out.getvalue()


def uploaded_jpeg(name="photo.jpg", **kwargs):
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")


def make_image(*, content=None, filename="photo.jpg", **fields):
    """An image-library entry saved through the model (so it is re-encoded)."""
    n = _next()
    fields.setdefault("alt_text", f"Marchers holding a long banner, picture {n}")
    fields.setdefault("caption", f"Marchers on the bridge, picture {n}")
    fields.setdefault("credit", f"© Test Photo Agency / Photographer {n}")
    upload = SimpleUploadedFile(filename, content if content is not None else jpeg_bytes())
    return Image.objects.create(file=upload, **fields)


def figure_html(image, caption=""):
    """What the body editor's Figure button produces for a library image."""
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f'<figure><img src="{image.file.url}" alt="{image.alt_text}">{figcaption}</figure>'


# --- statements -------------------------------------------------------------


def make_statement(
    title=None,
    *,
    organizations=None,
    topics=(),
    status=Statement.Status.PUBLISHED,
    publish_at=None,
    **fields,
):
    """A statement; published an hour ago unless told otherwise."""
    n = _next()
    title = title or f"Solidarity statement number {n}"
    fields.setdefault("summary", f"A short summary of statement {n}.")
    fields.setdefault("body", f"<p>The body of statement {n}.</p>")
    publish_at = publish_at or timezone.now() - timedelta(hours=1)
    # As the admin's default: issued the day it is published (the archive files it by this date).
    fields.setdefault("statement_date", timezone.localdate(publish_at))
    statement = Statement.objects.create(
        title=title,
        status=status,
        publish_at=publish_at,
        **fields,
    )
    if organizations is None:
        organizations = [make_organization()]
    statement.organizations.set(organizations)
    statement.topics.set(topics)
    return statement


def make_published(title=None, *, days_ago=1, **kwargs):
    kwargs.setdefault("publish_at", timezone.now() - timedelta(days=days_ago))
    return make_statement(title, status=Statement.Status.PUBLISHED, **kwargs)


def make_draft(title=None, **kwargs):
    kwargs.setdefault("publish_at", timezone.now() - timedelta(days=2))
    return make_statement(title, status=Statement.Status.DRAFT, **kwargs)


def make_scheduled(title=None, *, days_ahead=3, **kwargs):
    kwargs.setdefault("publish_at", timezone.now() + timedelta(days=days_ahead))
    return make_statement(title, status=Statement.Status.PUBLISHED, **kwargs)


def make_note(statement, *, editor=None, text=None, **fields):
    return EditorNote.objects.create(
        statement=statement,
        editor=editor or make_editor(),
        text=text or "Reposted with the permission of the original publisher.",
        **fields,
    )


def make_subscriber(
    email=None, *, state=Subscriber.State.CONFIRMED, topics=(), organizations=(), **fields
):
    n = Subscriber.objects.count() + 1
    fields.setdefault("frequency", Subscriber.Frequency.IMMEDIATELY)
    fields.setdefault(
        "scope", Subscriber.Scope.CHOSEN if (topics or organizations) else Subscriber.Scope.ALL
    )
    if state == Subscriber.State.CONFIRMED:
        fields.setdefault("confirmed_at", timezone.now() - timedelta(days=30))
    subscriber = Subscriber.objects.create(
        email=email or f"reader{n}@example.org", state=state, **fields
    )
    subscriber.topics.set(topics)
    subscriber.organizations.set(organizations)
    return subscriber
