"""Bodies and media: figures with the library's image, caption and credit; addresses rewritten."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image as PILImage

from statements.models import Image, Statement

from . import wxr

pytestmark = pytest.mark.django_db


def rally(parent=0):
    return wxr.attachment(
        12,
        "2023/05/rally.jpg",
        alt="Tenants rallying outside the town hall",
        caption="The rally on May 1",
        metadata=wxr.attachment_metadata(
            "2023/05/rally.jpg",
            credit="Jane Doe",
            copyright="Tenants United",
            sizes=[("medium", "rally-300x225.jpg"), ("thumbnail", "rally-150x150.jpg")],
        ),
        parent=parent,
    )


def march():
    return wxr.attachment(13, "2023/05/march.jpg", alt="A march", credit_meta="Photo: Ali Hassan")


def figures_on(client, slug):
    html = client.get(f"/statements/{slug}/").content.decode()
    return html, re.findall(r'<figure class="figure">.*?</figure>', html, re.DOTALL)


def test_a_block_image_becomes_a_figure_with_caption_and_credit(
    tmp_path, uploads, client, run_import
):
    body = (
        "<!-- wp:paragraph --><p>We marched.</p><!-- /wp:paragraph -->\n"
        '<!-- wp:image {"id":12,"sizeSlug":"medium"} -->\n'
        '<figure class="wp-block-image size-medium"><img src="'
        f'{wxr.SITE}/wp-content/uploads/2023/05/rally-300x225.jpg" alt="" class="wp-image-12"/>'
        '<figcaption class="wp-element-caption">Hundreds came</figcaption></figure>\n'
        "<!-- /wp:image -->"
    )
    path = wxr.write(tmp_path, rally(), wxr.item(post_id=20, slug="we-marched", content=body))
    run = run_import(path, "--media-dir", str(uploads))

    assert run.count("attachment", "created") == 1
    image = Image.objects.get()
    assert image.alt_text == "Tenants rallying outside the town hall"
    assert image.caption == "The rally on May 1"
    assert image.credit == "Jane Doe"
    assert image.renditions  # made by the library's upload path
    with PILImage.open(image.file.path) as stored:
        assert not stored.getexif()  # the GPS position is gone
    html, figures = figures_on(client, "we-marched")
    assert "<p>We marched.</p>" in html
    assert len(figures) == 1
    assert "Hundreds came" in figures[0]
    assert 'class="figure__credit">Jane Doe<' in figures[0]
    assert 'alt="Tenants rallying outside the town hall"' in figures[0]
    assert "old.example.org" not in html


def test_both_caption_forms_a_gallery_and_a_featured_image_listed_later(
    tmp_path, uploads, client, run_import
):
    body = (
        f'[caption id="attachment_12" align="alignleft" width="300"]<a href="{wxr.SITE}/wp-content/'
        f'uploads/2023/05/rally.jpg"><img class="size-medium wp-image-12" src="{wxr.SITE}/'
        'wp-content/uploads/2023/05/rally-300x225.jpg" width="300" height="225" /></a> '
        "Outside the hall[/caption]\n\n"
        'Between the photos.\n\n[caption id="" caption="Old form caption"]'
        f'<img src="{wxr.SITE}/wp-content/uploads/2023/05/march.jpg" />[/caption]\n\n'
        '[gallery ids="13,12"]\n\nThe end.'
    )
    path = wxr.write(
        tmp_path,
        wxr.item(
            post_id=21, slug="classic", content=body, metas=[wxr.meta("_thumbnail_id", "13")]
        ),
        rally(),
        march(),  # after the post that uses them
    )
    run_import(path, "--media-dir", str(uploads))

    statement = Statement.objects.get(slug="classic")
    assert statement.featured_image.alt_text == "A march"
    html, figures = figures_on(client, "classic")
    assert len(figures) == 4
    assert "Outside the hall" in figures[0] and "Jane Doe" in figures[0]
    assert "Old form caption" in figures[1] and "Photo: Ali Hassan" in figures[1]
    assert "<p>Between the photos.</p>" in html
    assert "<p>The end.</p>" in html
    assert "[caption" not in html and "[gallery" not in html


def test_unknown_shortcodes_stay_visible_and_embeds_become_links(tmp_path, client, run_import):
    body = (
        'Sign up: [contact-form-7 id="5"]\n\n'
        "[embed]https://video.example.com/watch?v=1[/embed]\n\n"
        '[audio src="https://old.example.org/wp-content/uploads/2023/05/speech.mp3"]'
    )
    path = wxr.write(tmp_path, wxr.item(post_id=22, slug="shortcodes", content=body))
    run = run_import(path)
    html = client.get("/statements/shortcodes/").content.decode()
    assert '[contact-form-7 id="5"]' in html or "[contact-form-7 id=&quot;5&quot;]" in html
    assert '<a href="https://video.example.com/watch?v=1"' in html
    assert "shortcode [contact-form-7] left as text" in run.reasons("note")
    assert "[embed] became a link" in run.reasons("note")


def test_a_missing_file_is_reported_and_the_statement_still_imported(
    tmp_path, uploads, client, run_import
):
    missing = wxr.attachment(14, "2023/05/gone.jpg", alt="Gone")
    body = '<!-- wp:image {"id":14} --><figure class="wp-block-image"><img src="x" class="wp-image-14"/><figcaption>Lost photo</figcaption></figure><!-- /wp:image -->'
    path = wxr.write(tmp_path, missing, wxr.item(post_id=23, slug="lost", content=body))
    run = run_import(path, "--media-dir", str(uploads))

    assert run.count("attachment", "failed") == 1
    [reason] = run.reasons("failed")
    assert "missing media file 2023/05/gone.jpg" in reason
    html = client.get("/statements/lost/").content.decode()
    assert "Lost photo" in html  # the caption stays, as text
    assert any("not in the library" in r for r in run.reasons("note"))


def test_a_file_the_library_refuses_is_reported(tmp_path, client, run_import):
    root = tmp_path / "uploads"
    (root / "2023" / "05").mkdir(parents=True)
    (root / "2023" / "05" / "fake.jpg").write_bytes(b"<html>not a picture</html>")
    path = wxr.write(tmp_path, wxr.attachment(15, "2023/05/fake.jpg", alt="Fake"))
    run = run_import(path, "--media-dir", str(root))
    assert run.count("attachment", "failed") == 1
    assert run.reasons("failed")[0].startswith("refused by the image library")
    assert Image.objects.count() == 0


def test_links_to_old_posts_and_files_point_at_the_new_ones(tmp_path, uploads, client, run_import):
    first = wxr.item(
        post_id=30,
        slug="second",
        content=f'See <a href="{wxr.SITE}/2023/05/first/">the first</a> and '
        f'<a href="{wxr.SITE}/wp-content/uploads/2023/05/rally-150x150.jpg">the photo</a>.',
    )
    second = wxr.item(post_id=31, slug="first", content="The first.")
    path = wxr.write(tmp_path, rally(), first, second)  # links to a post listed after it
    run_import(path, "--media-dir", str(uploads))

    html = client.get("/statements/second/").content.decode()
    assert 'href="/statements/first/"' in html
    image = Image.objects.get()
    assert f'href="{image.file.url}"' in html


def test_re_running_with_media_imports_each_file_once(tmp_path, uploads, run_import):
    path = wxr.write(tmp_path, rally(), march())
    run_import(path, "--media-dir", str(uploads))
    files = sorted(p.name for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())
    second = run_import(path, "--media-dir", str(uploads))
    assert second.count("attachment", "skipped") == 2
    assert Image.objects.count() == 2
    again = sorted(p.name for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())
    assert again == files


def test_a_dry_run_leaves_no_image_files(tmp_path, uploads, run_import):
    before = {p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()}
    path = wxr.write(tmp_path, rally())
    dry = run_import(path, "--dry-run", "--media-dir", str(uploads))
    assert dry.count("attachment", "created") == 1
    assert Image.objects.count() == 0
    assert {p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()} == before
