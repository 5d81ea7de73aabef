"""What `manage.py load_demo` runs: creates whatever part of the demo is missing.

Loading is keyed by slug (and by username for the staff accounts) and skips
whatever is already there, so `load_demo --restore` adds back only what is missing.
"""

import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from io import BytesIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from statements import figures
from statements.models import EditorNote, Image, Organization, StaffProfile, Statement, Topic

from .content import ACCOUNTS, ORGANIZATIONS, STATEMENTS, TOPICS
from .pictures import IMAGES


def admin_url():
    # SITE_URL is the address `make run` serves on (PORT=, HOST=), not a fixed port.
    return f"{settings.SITE_URL}/{settings.ADMIN_URL_PATH}"


@dataclass
class LoadResult:
    organizations: int = 0
    topics: int = 0
    statements: int = 0
    images: int = 0
    new_passwords: dict = field(default_factory=dict)  # username → password, shown once
    existing_accounts: list = field(default_factory=list)

    @property
    def loaded_content(self):
        return bool(self.organizations or self.topics or self.statements or self.images)


def existing_demo_accounts():
    names = [spec["username"] for spec in ACCOUNTS]
    existing = set(
        get_user_model().objects.filter(username__in=names).values_list("username", flat=True)
    )
    return [name for name in names if name in existing]


def _get_or_create_by_slug(model, spec):
    # Matching the name too avoids an IntegrityError when someone already created
    # an organization or topic of that name under another slug.
    existing = model.objects.filter(Q(slug=spec["slug"]) | Q(name=spec["name"])).first()
    if existing:
        return existing, False
    return model.objects.create(**spec), True


def _ensure_account(spec, result):
    User = get_user_model()
    user = User.objects.filter(username=spec["username"]).first()
    if user is not None:
        # An existing account is left exactly as it is: its password may have been
        # changed since, and it may not even be the demo's.
        result.existing_accounts.append(user.get_username())
        return user
    password = secrets.token_urlsafe(12)
    user = User.objects.create_user(
        username=spec["username"],
        email=spec["email"],
        password=password,
        first_name=spec["first_name"],
        last_name=spec["last_name"],
        is_staff=True,
    )
    user.groups.add(Group.objects.get(name=spec["group"]))
    if spec["initials"]:
        StaffProfile.objects.create(user=user, initials=spec["initials"])
    result.new_passwords[user.get_username()] = password
    return user


def _create_image(key, uploader, saved_files):
    spec = IMAGES[key]
    buffer = BytesIO()
    spec.draw().save(buffer, "JPEG", quality=90)
    image = Image(
        file=ContentFile(buffer.getvalue(), name=f"{key}.jpg"),
        alt_text=spec.alt_text,
        caption=spec.caption,
        credit=spec.credit,
        uploaded_by=uploader,
    )
    # The same checks as an upload in the admin, so the demo cannot hold an image
    # the site itself would refuse.
    image.full_clean()
    upload_name = image.file.name
    try:
        image.save()
    finally:
        # Image.save stores the file before inserting the row, so the file can exist
        # even when the insert fails.
        if image.file.name != upload_name:
            saved_files.append(image)
    return image


_FIGURE_MARKER = re.compile(r"\[\[figure:(?P<key>[\w-]+)\]\]")


def _build_body(spec, uploader, saved_files, result):
    def figure(match):
        image = _create_image(match.group("key"), uploader, saved_files)
        result.images += 1
        return figures.figure_markup(image, caption=image.caption)

    return _FIGURE_MARKER.sub(figure, spec.body).strip()


def _create_statement(spec, organizations, topics, editor, now, saved_files, result):
    publish_at = timezone.localtime(now).replace(
        hour=9, minute=30, second=0, microsecond=0
    ) - timedelta(days=spec.days_ago)
    featured = None
    if spec.featured_image:
        featured = _create_image(spec.featured_image, editor, saved_files)
        result.images += 1
    statement = Statement.objects.create(
        slug=spec.slug,
        title=spec.title,
        statement_date=(publish_at - timedelta(days=spec.issued_days_before)).date(),
        summary=spec.summary,
        body=_build_body(spec, editor, saved_files, result),
        status=spec.status,
        publish_at=publish_at,
        author=editor,
        featured_image=featured,
        source_name=spec.source_name,
        source_url=spec.source_url,
        language=spec.language,
        translation_of=(
            Statement.objects.get(slug=spec.translation_of) if spec.translation_of else None
        ),
    )
    statement.organizations.set([organizations[slug] for slug in spec.organizations])
    statement.topics.set([topics[slug] for slug in spec.topics])
    if spec.editor_note:
        EditorNote.objects.create(
            statement=statement,
            text=spec.editor_note,
            editor=editor,
            placement=EditorNote.Placement.ABOVE,
        )
    result.statements += 1
    return statement


def load(now=None):
    """Create whatever part of the demo is missing; return what was created."""
    now = now or timezone.now()
    result = LoadResult()
    saved_files = []
    try:
        with transaction.atomic():
            accounts = {spec["username"]: _ensure_account(spec, result) for spec in ACCOUNTS}
            editor = accounts["editor"]
            organizations, topics = {}, {}
            for spec in ORGANIZATIONS:
                organizations[spec["slug"]], created = _get_or_create_by_slug(Organization, spec)
                result.organizations += created
            for spec in TOPICS:
                topics[spec["slug"]], created = _get_or_create_by_slug(Topic, spec)
                result.topics += created
            existing = set(
                Statement.objects.filter(slug__in=[s.slug for s in STATEMENTS]).values_list(
                    "slug", flat=True
                )
            )
            for spec in STATEMENTS:
                if spec.slug not in existing:
                    _create_statement(
                        spec, organizations, topics, editor, now, saved_files, result
                    )
    except BaseException:
        # A rollback forgets the Image rows but not the files already written to
        # storage; remove them so a failed load leaves nothing behind.
        for image in saved_files:
            image.delete_files()
        raise
    return result
