import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import ExifTags
from PIL import Image as PILImage

from statements.models import EditorNote, Image, Organization, Statement, Topic
from tests import factories
from tests.pages import assert_in_order, attrs_of, main_text, meta

pytestmark = pytest.mark.django_db

EDITOR_MODELS = ["statement", "image", "organization", "topic"]
GROUP_MODELS = [*EDITOR_MODELS, "editornote", "staffprofile"]


def admin_url(model, action="", pk=None):
    base = f"/admin/statements/{model}/"
    if pk is not None:
        return f"{base}{pk}/{action or 'change'}/"
    return f"{base}{action}/" if action else base


def assert_saved(response):
    """An admin form redirects when it saved; otherwise show why it did not."""
    if response.status_code != 302:
        context = response.context or {}
        errors = context.get("errors")
        inline_errors = [
            formset.formset.errors for formset in context.get("inline_admin_formsets", [])
        ]
        raise AssertionError(f"not saved ({response.status_code}): {errors!r} {inline_errors!r}")


# --- the two groups ------------------------------------------------------------------


def test_groups_are_created_by_migrate():
    editors = Group.objects.get(name="Editors")
    moderators = Group.objects.get(name="Moderators")

    editor_perms = set(editors.permissions.values_list("codename", flat=True))
    for model in GROUP_MODELS:
        for action in ("add", "change", "delete", "view"):
            assert f"{action}_{model}" in editor_perms
    assert not {p for p in editor_perms if p.endswith(("_user", "_group"))}

    moderator_perms = set(moderators.permissions.values_list("codename", flat=True))
    assert "view_statement" in moderator_perms
    for model in GROUP_MODELS:
        for action in ("add", "change", "delete"):
            assert f"{action}_{model}" not in moderator_perms
    assert "view_image" not in moderator_perms


@pytest.mark.parametrize("model", EDITOR_MODELS)
def test_editor_can_list_add_and_change(editor_client, model):
    existing = {
        "statement": factories.make_statement,
        "image": factories.make_image,
        "organization": factories.make_organization,
        "topic": factories.make_topic,
    }[model]()
    assert editor_client.get(admin_url(model)).status_code == 200
    assert editor_client.get(admin_url(model, "add")).status_code == 200
    change = editor_client.get(admin_url(model, pk=existing.pk))
    assert change.status_code == 200
    assert 'name="_save"' in change.text


def test_editor_edits_notes_inline_on_the_statement(editor_client, editor):
    response = editor_client.get(admin_url("statement", "add"))
    assert 'name="editor_notes-TOTAL_FORMS"' in response.text
    # Author and note editor default to whoever is editing, and offer staff only.
    form = response.context["adminform"].form
    assert form.fields["author"].initial == editor.pk
    outsider = factories.make_user("not-staff")
    assert outsider not in form.fields["author"].queryset
    assert editor in form.fields["author"].queryset


def test_editor_cannot_manage_users_or_groups(editor_client):
    assert editor_client.get("/admin/auth/user/").status_code == 403
    assert editor_client.get("/admin/auth/group/").status_code == 403


def test_moderator_can_view_statements_but_not_change_them(moderator_client):
    statement = factories.make_statement("A statement to judge comments by")
    url = admin_url("statement", pk=statement.pk)

    assert moderator_client.get(admin_url("statement")).status_code == 200
    view = moderator_client.get(url)
    assert view.status_code == 200
    assert "A statement to judge comments by" in view.text
    assert 'name="_save"' not in view.text

    post = moderator_client.post(url, {"title": "Changed by a moderator", "slug": "changed"})
    assert post.status_code == 403
    statement.refresh_from_db()
    assert statement.title == "A statement to judge comments by"

    assert moderator_client.get(admin_url("statement", "add")).status_code == 403
    assert moderator_client.post(admin_url("statement", "add"), {"title": "x"}).status_code == 403
    assert (
        moderator_client.post(admin_url("statement", "delete", pk=statement.pk)).status_code == 403
    )
    assert Statement.objects.filter(pk=statement.pk).exists()


@pytest.mark.parametrize("model", ["image", "organization", "topic"])
def test_moderator_cannot_see_the_other_editor_admins(moderator_client, model):
    assert moderator_client.get(admin_url(model)).status_code == 403
    assert moderator_client.get(admin_url(model, "add")).status_code == 403


def test_moderator_cannot_upload_images(moderator_client):
    response = moderator_client.post(
        admin_url("image", "add"),
        {"file": factories.uploaded_jpeg(), "alt_text": "Sneaky"},
    )
    assert response.status_code == 403
    assert not Image.objects.exists()


def test_staff_without_a_group_sees_no_statement_admin(client):
    client.force_login(factories.make_user(staff=True))
    assert client.get(admin_url("statement")).status_code == 403


def test_an_editor_who_is_not_staff_cannot_enter_the_admin(client):
    client.force_login(factories.make_user(groups=["Editors"]))
    response = client.get(admin_url("statement"))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# --- statement list --------------------------------------------------------------------


@pytest.fixture
def three_states():
    return {
        "published": factories.make_published("Already out"),
        "scheduled": factories.make_scheduled("Coming soon"),
        "draft": factories.make_draft("Still writing"),
    }


def test_changelist_shows_state_and_view_or_preview_links(editor_client, three_states):
    response = editor_client.get(admin_url("statement"))
    assert response.status_code == 200
    rows = {row.title: row for row in response.context["cl"].result_list}
    assert set(rows) == {"Already out", "Coming soon", "Still writing"}
    for label in ("Published", "Scheduled", "Draft"):
        assert f'<td class="field-state_label">{label}</td>' in response.text
    (preview,) = attrs_of(response.content, "a", href=three_states["draft"].get_absolute_url())
    (view,) = attrs_of(response.content, "a", href=three_states["published"].get_absolute_url())
    assert "Preview" in response.text and "View" in response.text


@pytest.mark.parametrize("state", ["draft", "scheduled", "published"])
def test_changelist_state_filter(editor_client, three_states, state):
    response = editor_client.get(admin_url("statement"), {"state": state})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [three_states[state]]


def test_changelist_search_and_date_hierarchy(editor_client, three_states):
    found = editor_client.get(admin_url("statement"), {"q": "soon"})
    assert list(found.context["cl"].result_list) == [three_states["scheduled"]]
    year = three_states["published"].publish_at.year
    dated = editor_client.get(admin_url("statement"), {"publish_at__year": year})
    assert dated.status_code == 200


def test_change_page_has_view_on_site(editor_client):
    statement = factories.make_statement()
    response = editor_client.get(admin_url("statement", pk=statement.pk))
    assert "View on site" in response.text


# --- images and initials through the admin -----------------------------------------------


def test_image_upload_through_the_admin_refuses_a_non_image(editor_client):
    response = editor_client.post(
        admin_url("image", "add"),
        {
            "file": SimpleUploadedFile("notes.jpg", b"not an image at all"),
            "alt_text": "Broken",
        },
    )
    assert response.status_code == 200
    assert not Image.objects.exists()
    assert "Upload a valid image." in response.text or "not a complete" in response.text


def test_superuser_sets_an_editors_initials(client, editor):
    admin = factories.make_user("root", staff=True, is_superuser=True)
    client.force_login(admin)
    url = f"/admin/auth/user/{editor.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="staff_profile-0-initials"' in page.text

    response = client.post(
        url,
        {
            "username": editor.username,
            "first_name": editor.first_name,
            "last_name": editor.last_name,
            "email": editor.email,
            "is_active": "on",
            "is_staff": "on",
            "groups": [Group.objects.get(name="Editors").pk],
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2024-01-01",
            "date_joined_1": "10:00:00",
            "staff_profile-TOTAL_FORMS": "1",
            "staff_profile-INITIAL_FORMS": "1",
            "staff_profile-MIN_NUM_FORMS": "0",
            "staff_profile-MAX_NUM_FORMS": "1",
            "staff_profile-0-id": editor.staff_profile.pk,
            "staff_profile-0-user": editor.pk,
            "staff_profile-0-initials": "kd",
            "_save": "Save",
        },
    )
    assert_saved(response)
    note = factories.make_note(factories.make_statement(), editor=editor)
    note.editor.refresh_from_db()
    assert EditorNote.objects.get(pk=note.pk).initials == "kd"


def test_editor_sets_their_own_initials(client):
    editor = factories.make_editor("newcomer", initials=None)
    other = factories.make_editor("veteran", initials="vt")
    client.force_login(editor)

    assert client.get("/admin/statements/staffprofile/add/").status_code == 200
    assert_saved(client.post("/admin/statements/staffprofile/add/", {"initials": "nc"}))
    editor.refresh_from_db()
    assert editor.staff_profile.initials == "nc"
    # One profile each: no second one, and nobody else's is listed or editable.
    assert client.get("/admin/statements/staffprofile/add/").status_code == 403
    listing = client.get("/admin/statements/staffprofile/")
    assert list(listing.context["cl"].result_list) == [editor.staff_profile]
    url = f"/admin/statements/staffprofile/{other.staff_profile.pk}/change/"
    assert client.post(url, {"initials": "xx"}).status_code in (302, 403, 404)
    other.staff_profile.refresh_from_db()
    assert other.staff_profile.initials == "vt"

    change = f"/admin/statements/staffprofile/{editor.staff_profile.pk}/change/"
    assert_saved(client.post(change, {"initials": "nw"}))
    note = factories.make_note(factories.make_statement(), editor=editor)
    assert (
        EditorNote.objects.select_related("editor__staff_profile").get(pk=note.pk).initials == "nw"
    )


def test_moderator_cannot_edit_initials(moderator_client):
    assert moderator_client.get("/admin/statements/staffprofile/").status_code == 403


# --- end to end: a staff member builds the reference-shaped page in the admin ----------------


def photo_with_gps(width, height, color):
    exif = PILImage.Exif()
    exif[ExifTags.Base.Make] = "PocketCam"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (33.0, 2.0, 30.0)
    return factories.jpeg_bytes(width, height, color=color, exif=exif)


def upload_image_in_admin(client, filename, content, **fields):
    response = client.post(
        admin_url("image", "add"),
        {"file": SimpleUploadedFile(filename, content, content_type="image/jpeg"), **fields},
    )
    assert_saved(response)
    image = Image.objects.get(alt_text=fields["alt_text"])
    # What staff copy into the body editor's Figure dialog, from the image's admin page.
    page = client.get(admin_url("image", pk=image.pk)).text
    (address,) = re.findall(r"<code>([^<]+)</code>", page)
    return image, address


def test_editor_builds_a_reference_shaped_statement_in_the_admin(client):
    editor = factories.make_editor("rosa", initials="rk", first_name="Rosa", last_name="Klein")
    earlier = factories.make_published("Our earlier statement on the port", days_ago=10)
    client.force_login(editor)

    # 1. The image library: an in-body photo and a featured photo, both carrying GPS.
    body_image, body_address = upload_image_in_admin(
        client,
        "IMG_2211.jpg",
        photo_with_gps(120, 80, (30, 60, 90)),
        alt_text="Cranes standing still over an empty quay",
        caption="The quay on the first morning of the strike",
        credit="© Photo : Coastal Labour Archive",
        credit_url="",
    )
    featured, _ = upload_image_in_admin(
        client,
        "banner final.jpg",
        photo_with_gps(160, 90, (120, 40, 40)),
        alt_text="Strikers holding a long red banner at the harbour gate",
        caption="At the harbour gate",
        credit="© Northbound Press / Lee Moreau",
        credit_url="https://northbound.example.org/photos",
    )
    assert body_address == body_image.file.url
    assert body_image.uploaded_by == editor

    # 2. Two issuing organizations and a topic.
    for name, slug, url in [
        ("Port Workers Alliance", "port-workers-alliance", "https://portworkers.example.org/"),
        ("Coastal Solidarity Network", "coastal-solidarity-network", ""),
    ]:
        assert_saved(
            client.post(
                admin_url("organization", "add"),
                {"name": name, "slug": slug, "url": url, "description": ""},
            )
        )
    assert_saved(
        client.post(
            admin_url("topic", "add"),
            {"name": "Labour Rights", "slug": "labour-rights", "description": "Work and unions."},
        )
    )
    organizations = list(
        Organization.objects.filter(
            slug__in=["port-workers-alliance", "coastal-solidarity-network"]
        ).order_by("name")
    )
    topic = Topic.objects.get(slug="labour-rights")

    # 3. The statement, with an editor's note in the inline, as the admin form posts it.
    publish_at = timezone.localtime(timezone.now() - timedelta(days=1))
    body = (
        "<p>Since Monday the port has stood still.</p>"
        f'<figure><img src="{body_address}" alt="Cranes standing still over an empty quay">'
        "</figure>"
        "<h2>Our demands</h2>"
        "<ul><li>Withdraw the injunction</li><li>Reopen negotiations</li></ul>"
        "<blockquote><p>A port is its workers.</p></blockquote>"
        '<p onclick="steal()">We stand with the strikers.<script>steal()</script></p>'
    )
    response = client.post(
        admin_url("statement", "add"),
        {
            "title": "Canada − Hands Off the Harbour Strikers!",
            "slug": "canada-hands-off-the-harbour-strikers",
            "organizations": [org.pk for org in organizations],
            "statement_date": "2022-01-12",
            "language": "en",
            "summary": "Two organizations stand with the strikers at the harbour.",
            "body": body,
            "status": "published",
            "publish_at_0": publish_at.strftime("%Y-%m-%d"),
            "publish_at_1": publish_at.strftime("%H:%M:%S"),
            "author": editor.pk,
            "topics": [topic.pk],
            "comments_open": "on",
            "featured_image": featured.pk,
            "source_name": "Port Workers Alliance",
            "source_url": "https://portworkers.example.org/2022/01/hands-off",
            "editor_notes-TOTAL_FORMS": "1",
            "editor_notes-INITIAL_FORMS": "0",
            "editor_notes-MIN_NUM_FORMS": "0",
            "editor_notes-MAX_NUM_FORMS": "1000",
            "editor_notes-0-editor": editor.pk,
            "editor_notes-0-placement": "above",
            "editor_notes-0-position": "0",
            "editor_notes-0-text": "Noting here that we repost this with the publisher's consent.",
            "_save": "Save",
        },
    )
    assert_saved(response)
    statement = Statement.objects.get(slug="canada-hands-off-the-harbour-strikers")
    assert statement.state == "published"
    assert "onclick" not in statement.body and "<script" not in statement.body

    # 4. The admin list shows it published, with its organizations.
    listing = client.get(admin_url("statement")).text
    assert "Coastal Solidarity Network, Port Workers Alliance" in listing

    # 5. A visitor reads it.
    client.logout()
    response = client.get("/statements/canada-hands-off-the-harbour-strikers/")
    assert response.status_code == 200
    html = response.content
    text = main_text(html)
    assert_in_order(
        text,
        [
            "Canada − Hands Off the Harbour Strikers!",
            "Statement by Coastal Solidarity Network and Port Workers Alliance, January 12, 2022",
            "Originally published by Port Workers Alliance",
            "Editor’s note: Noting here that we repost this with the publisher's consent. [rk]",
            "Since Monday the port has stood still.",
            "The quay on the first morning of the strike",
            "© Photo : Coastal Labour Archive",
            "Our demands",
            "Withdraw the injunction",
            "A port is its workers.",
            "We stand with the strikers.",
            "Featured Image: Credit ~© Northbound Press / Lee Moreau",
            "Share this statement",
            "Email",
            "Facebook",
            "WhatsApp",
            "Topics: Labour Rights",
            "Previous statement Our earlier statement on the port",
        ],
    )
    assert "steal()" not in response.text

    # The pictures are the uploaded ones, served from our own site, without their GPS.
    # (Served as copies sized for the screen, made on upload; never the original.)
    images = {img["src"] for img in attrs_of(html, "img")}
    assert images == {body_image.display_url, featured.display_url}
    for image in (body_image, featured):
        assert image.renditions
        for name in [image.file.name] + [r["name"] for r in image.renditions]:
            with image.file.storage.open(name, "rb") as stored:
                data = stored.read()
            assert b"PocketCam" not in data
            assert not PILImage.open(BytesIO(data)).getexif()
    body_html = response.text.split('class="statement__body"', 1)[1].split("</div>", 1)[0]
    assert 'alt="Cranes standing still over an empty quay"' in body_html
    assert "<h2>Our demands</h2>" in body_html

    # Reposts point search engines at the original; shares get the featured image.
    (canonical,) = attrs_of(html, "link", rel="canonical")
    assert canonical["href"] == "https://portworkers.example.org/2022/01/hands-off"
    assert attrs_of(html, "a", href="https://portworkers.example.org/2022/01/hands-off")
    tags = meta(html)
    assert tags["og:title"] == "Canada − Hands Off the Harbour Strikers!"
    assert tags["og:description"] == "Two organizations stand with the strikers at the harbour."
    assert tags["og:image"] == "http://testserver" + featured.display_url
    assert attrs_of(html, "a", rel="prev")[0]["href"] == earlier.get_absolute_url()

    # It is listed for visitors with its thumbnail, under its topic and organizations.
    home = client.get("/")
    assert "Canada − Hands Off the Harbour Strikers!" in main_text(home.content)
    assert attrs_of(home.content, "img", src=featured.display_url)
    assert "Canada − Hands Off" in main_text(client.get("/topics/labour-rights/").content)
    for organization in organizations:
        assert "Canada − Hands Off" in main_text(
            client.get(organization.get_absolute_url()).content
        )
