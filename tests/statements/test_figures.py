"""A figure in a statement's body shows a library image, with its alt text, caption and credit.

An editor pastes an address into the Figure button. Only the address of an
image in the library (or of one of its smaller copies, which is what "Copy
image address" gives on the public site) may be saved; anything else is refused
with a message naming the address, so a figure never silently loses its
picture or its credit (issue 10; issue 11 finding 12).
"""

import logging
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from statements.figures import add_references, figure_markup
from statements.models import Image, Statement
from statements.sanitize import sanitize_html
from tests import factories
from tests.pages import attrs_of, main_text

pytestmark = pytest.mark.django_db


def change_url(statement):
    return f"/admin/statements/statement/{statement.pk}/change/"


def post_body(client, statement, body):
    """The statement's change form as the admin sends it, with a new body."""
    publish_at = timezone.localtime(statement.publish_at)
    return client.post(
        change_url(statement),
        {
            "title": statement.title,
            "slug": statement.slug,
            "organizations": [org.pk for org in statement.organizations.all()],
            "statement_date": statement.statement_date.isoformat(),
            "language": "en",
            "summary": statement.summary,
            "body": body,
            "status": statement.status,
            "publish_at_0": publish_at.strftime("%Y-%m-%d"),
            "publish_at_1": publish_at.strftime("%H:%M:%S"),
            "author": "",
            "comments_open": "on",
            "source_name": "",
            "source_url": "",
            "editor_notes-TOTAL_FORMS": "0",
            "editor_notes-INITIAL_FORMS": "0",
            "editor_notes-MIN_NUM_FORMS": "0",
            "editor_notes-MAX_NUM_FORMS": "1000",
            "_save": "Save",
        },
    )


def body_errors(response):
    assert response.status_code == 200, response.status_code  # the form again, not a 500
    return response.context["adminform"].form.errors.get("body", [])


def figure(src, alt="", caption=""):
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f'<figure><img src="{src}" alt="{alt}">{figcaption}</figure>'


def public_body(statement):
    html = Client().get(statement.get_absolute_url()).text
    body = html.split('class="statement__body">', 1)[1].split("</article>", 1)[0]
    return f"<main>{body}</main>"


@pytest.fixture
def photo():
    return factories.make_image(
        content=factories.jpeg_bytes(2400, 1600),
        alt_text="Dockers locking arms at the gate",
        caption="The gate at dawn",
        credit="© Harbour Archive / Ana Ruiz",
    )


@pytest.fixture
def statement():
    return factories.make_statement("Figures in the body", body="<p>Before.</p>")


def rendition(image, width, fmt):
    (name,) = [r["name"] for r in image.renditions if (r["width"], r["format"]) == (width, fmt)]
    return image.file.storage.url(name)


# --- refused, with the address named ---------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "https://photos.example.net/dockers.jpg",  # another site
        "/media/library/2026/11/0123456789abcdef0123456789abcdef.jpg",  # no such image
        "/media/%2e%2e/advocacy/settings.py",  # percent-encoded dot segments
        "/media/library/2026/11/../../../etc/passwd",
        "/media/library/./2026/x.jpg",
    ],
)
def test_a_figure_whose_image_is_not_in_the_library_is_refused(
    editor_client, statement, photo, address
):
    response = post_body(
        editor_client, statement, "<p>Text.</p>" + figure(address, caption="The gate")
    )
    errors = body_errors(response)
    assert any(address in error and "not an image in the library" in error for error in errors)
    statement.refresh_from_db()
    assert statement.body == "<p>Before.</p>"  # nothing stored


def test_every_refused_address_is_named(editor_client, statement):
    body = figure("https://a.example/one.jpg") + figure("https://b.example/two.png")
    (error,) = body_errors(post_body(editor_client, statement, body))
    assert "https://a.example/one.jpg" in error and "https://b.example/two.png" in error


# --- a smaller copy's address: accepted, and saved as the original's --------------------


@pytest.mark.parametrize(("width", "fmt"), [(1600, "jpeg"), (960, "webp"), (480, "jpeg")])
def test_a_copys_address_is_saved_as_the_library_original(
    editor_client, statement, photo, width, fmt
):
    address = rendition(photo, width, fmt)
    assert address != photo.file.url
    response = post_body(editor_client, statement, "<p>Text.</p>" + figure(address))
    assert response.status_code == 302, body_errors(response)
    statement.refresh_from_db()
    assert statement.body == (
        f'<p>Text.</p><figure><img src="{photo.file.url}" alt="" data-file="{photo.pk}"></figure>'
    )
    assert list(statement.body_images.all()) == [photo]

    # The page shows the picture with the library's alt text, caption and credit.
    body = public_body(statement)
    (img,) = attrs_of(body, "img")
    assert img["alt"] == "Dockers locking arms at the gate"
    text = main_text(body)
    assert "The gate at dawn" in text
    assert "© Harbour Archive / Ana Ruiz" in text


def test_the_originals_address_is_saved_as_a_reference(editor_client, statement, photo):
    body = "<p>Text.</p>" + figure(photo.file.url, caption="Our own caption")
    assert post_body(editor_client, statement, body).status_code == 302
    statement.refresh_from_db()
    assert statement.body == body.replace(' alt="">', f' alt="" data-file="{photo.pk}">')
    assert "Our own caption" in main_text(public_body(statement))


# --- the save path without a form (imports, the shell) ----------------------------------


def test_saved_without_a_form_a_copys_address_still_shows_alt_caption_and_credit(photo):
    statement = factories.make_statement(
        body="<p>Text.</p>" + figure(rendition(photo, 1600, "jpeg")),
        publish_at=timezone.now() - timedelta(hours=1),
    )
    assert list(statement.body_images.all()) == [photo]
    body = public_body(statement)
    (img,) = attrs_of(body, "img")
    assert img["alt"] == "Dockers locking arms at the gate"
    assert "© Harbour Archive / Ana Ruiz" in main_text(body)


def test_saved_without_a_form_a_figure_without_a_library_image_is_logged(caplog):
    with caplog.at_level(logging.WARNING, logger="statements.figures"):
        statement = factories.make_statement(
            body=figure("/media/library/2026/11/0123456789abcdef0123456789abcdef.jpg")
        )
    # Saved (an import cannot be shown a message), but not without a word.
    assert Statement.objects.filter(pk=statement.pk).exists()
    assert any(
        "/media/library/2026/11/0123456789abcdef0123456789abcdef.jpg" in record.getMessage()
        and "not an image in the library" in record.getMessage()
        for record in caplog.records
    ), caplog.records


def test_saved_without_a_form_a_figure_from_another_site_is_logged(caplog):
    with caplog.at_level(logging.WARNING, logger="statements.figures"):
        factories.make_statement(body=figure("https://photos.example.net/x.jpg", caption="Hi"))
    assert any("without a library image" in r.getMessage() for r in caplog.records)


# --- the sanitizer keeps only normalized library addresses -------------------------------


@pytest.mark.parametrize(
    "src",
    [
        "/media/%2e%2e/advocacy/settings.py",
        "/media/%2E%2E%2Fsecret.jpg",
        "/media/library/2026/11/../../x.jpg",
        "/media/./library/x.jpg",
        "/media/library\\..\\x.jpg",
        "/media/library/x.jpg?download=1",
    ],
)
def test_the_sanitizer_drops_an_image_whose_address_is_not_normalized(src):
    assert sanitize_html(f'<p>Text</p><img src="{src}" alt="a">') == "<p>Text</p>"


def test_the_sanitizer_keeps_a_normalized_library_address():
    html = '<img src="/media/library/2026/11/0123456789abcdef0123456789abcdef-1600.webp" alt="">'
    assert sanitize_html(html) == html


# --- figures refer to library images -----------------------------------------------------


def referenced(image, src=None, caption=""):
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    src = image.file.url if src is None else src
    return f'<figure><img src="{src}" alt="" data-file="{image.pk}">{figcaption}</figure>'


def test_a_reference_decides_which_image_a_figure_shows(editor_client, statement, photo):
    other = factories.make_image(credit="© Someone Else")
    body = "<p>Text.</p>" + referenced(photo, src=other.file.url)
    assert post_body(editor_client, statement, body).status_code == 302
    statement.refresh_from_db()
    assert statement.body == "<p>Text.</p>" + referenced(photo)
    assert list(statement.body_images.all()) == [photo]
    assert "© Harbour Archive / Ana Ruiz" in main_text(public_body(statement))


def test_a_reference_to_no_library_image_is_refused(editor_client, statement, photo):
    body = "<p>Text.</p>" + referenced(photo).replace(f'"{photo.pk}"', '"999999"')
    response = post_body(editor_client, statement, body)
    assert response.status_code == 200
    assert photo.file.url in " ".join(body_errors(response))


def test_a_reference_with_an_address_from_another_site_is_refused(editor_client, statement, photo):
    body = "<p>Text.</p>" + referenced(photo, src="https://photos.example.net/x.jpg")
    response = post_body(editor_client, statement, body)
    assert response.status_code == 200
    assert "https://photos.example.net/x.jpg" in " ".join(body_errors(response))


def test_saved_without_a_form_a_reference_survives_a_wrong_address(photo):
    statement = factories.make_statement(
        body="<p>Text.</p>" + referenced(photo, src="/media/library/2026/11/typo.jpg"),
        publish_at=timezone.now() - timedelta(hours=1),
    )
    assert list(statement.body_images.all()) == [photo]
    assert "© Harbour Archive / Ana Ruiz" in main_text(public_body(statement))


def test_the_sanitizer_keeps_only_a_numeric_reference():
    assert 'data-file="12"' in sanitize_html('<img src="/media/a.jpg" data-file="12">')
    assert "data-file" not in sanitize_html('<img src="/media/a.jpg" data-file="x onload=1">')
    assert "data-file" not in sanitize_html('<img src="/media/a.jpg" data-file="-1">')


def test_figure_markup_is_what_the_editor_saves(editor_client, statement, photo):
    markup = str(figure_markup(photo, caption="Our <own> caption"))
    assert markup == (
        f'<figure><img src="{photo.file.url}" '
        f'data-file="{photo.pk}"><figcaption>Our &lt;own&gt; caption</figcaption></figure>'
    )
    assert post_body(editor_client, statement, "<p>Text.</p>" + markup).status_code == 302
    statement.refresh_from_db()
    assert statement.body == "<p>Text.</p>" + markup
    text = main_text(public_body(statement))
    assert "Our <own> caption" in text and "© Harbour Archive / Ana Ruiz" in text


def test_a_figure_shows_the_librarys_alt_text_unless_the_editor_wrote_its_own(
    editor_client, statement, photo
):
    library_words = (
        f'<figure><img src="{photo.file.url}" alt="Dockers locking arms at the gate" '
        f'data-file="{photo.pk}"></figure>'
    )
    own_words = (
        f'<figure><img src="{photo.file.url}" alt="The gate on the morning of the strike" '
        f'data-file="{photo.pk}"></figure>'
    )
    assert post_body(editor_client, statement, library_words + own_words).status_code == 302
    statement.refresh_from_db()
    # The library's words are not copied into the body; the editor's own are kept.
    assert 'alt="Dockers locking arms' not in statement.body
    assert 'alt="The gate on the morning of the strike"' in statement.body

    photo.alt_text = "Dockers link arms across the harbour gate"
    photo.save()  # a correction in the library re-renders the statement
    statement.refresh_from_db()
    alts = re.findall(r'<img [^>]*alt="([^"]*)"', public_body(statement))
    assert alts == [
        "Dockers link arms across the harbour gate",
        "The gate on the morning of the strike",
    ]


def test_older_bodies_get_references_by_the_data_migration(photo):
    statement = factories.make_statement(
        body="<p>Text.</p>" + figure(rendition(photo, 960, "webp"))
    )
    Statement.objects.filter(pk=statement.pk).update(body=statement.body)  # as stored before
    assert add_references(Statement, Image) == 1
    statement.refresh_from_db()
    assert statement.body == "<p>Text.</p>" + referenced(photo)
    assert add_references(Statement, Image) == 0  # once is enough
