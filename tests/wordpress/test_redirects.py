"""Old addresses of the WordPress site answer with a 301 to the imported page or image."""

import pytest

from redirects.models import Redirect
from statements.models import Image

from . import wxr
from .test_bodies_and_media import rally

pytestmark = pytest.mark.django_db


def test_every_old_address_of_a_post_redirects_to_its_statement(
    tmp_path,
    uploads,
    client,
    run_import,
):
    post = wxr.item(
        post_id=77,
        title="Rent freeze",
        slug="rent-freeze",
        link=f"{wxr.SITE}/2023/05/rent-freeze/",
        categories=[("housing", "Housing")],
        tags=[("rent", "Rent")],
        metas=[wxr.meta("_wp_old_slug", "freeze-the-rent")],
    )
    unicode_post = wxr.item(
        post_id=78,
        title="Déclaration",
        slug="d%c3%a9claration",
        link=f"{wxr.SITE}/2023/05/d%c3%a9claration/",
    )
    export = wxr.export(rally(), post, unicode_post).replace(
        "<wp:author>",
        "<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename><![CDATA[housing]]>"
        "</wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent>"
        "<wp:cat_name><![CDATA[Housing]]></wp:cat_name></wp:category>"
        "<wp:tag><wp:term_id>4</wp:term_id><wp:tag_slug><![CDATA[rent]]></wp:tag_slug>"
        "<wp:tag_name><![CDATA[Rent]]></wp:tag_name></wp:tag><wp:author>",
        1,
    )
    path = tmp_path / "export.xml"
    path.write_text(export, encoding="utf-8")
    run = run_import(path, "--media-dir", str(uploads))

    expected = {
        "/2023/05/rent-freeze/": "/statements/rent-freeze/",
        "/2023/05/rent-freeze": "/statements/rent-freeze/",
        "/?p=77": "/statements/rent-freeze/",
        "/2023/05/freeze-the-rent/": "/statements/rent-freeze/",
        "/2023/05/d%c3%a9claration/": "/statements/declaration/",
        "/2023/05/déclaration/": "/statements/declaration/",
        "/?p=78": "/statements/declaration/",
        "/category/housing/": "/topics/housing/",
        "/tag/rent/": "/topics/rent/",
    }
    for old, new in expected.items():
        response = client.get(old)
        assert (response.status_code, response.get("Location")) == (301, new), old
    assert client.get("/statements/rent-freeze/").status_code == 200

    image = Image.objects.get()
    for old in (
        "/wp-content/uploads/2023/05/rally.jpg",
        "/wp-content/uploads/2023/05/rally-300x225.jpg",
        "/?attachment_id=12",
    ):
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, image.file.url), old
    assert run.report["redirects"] == Redirect.objects.count()
    assert f"Redirects made: {Redirect.objects.count()}" in run.output

    again = run_import(path, "--media-dir", str(uploads))
    assert again.report["redirects"] == 0
