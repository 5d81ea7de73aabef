"""axe-core on every kind of public page, in light and dark mode; and no request leaves the site."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.support import axe_violations, question_key, stored_answer

TEMPLATE_SYNTAX = re.compile(r"\{[#%{].{0,40}|.{0,40}[#%}]\}")


def public_pages(site):
    return [
        ("home", "/"),
        ("statement with comments", site.url),
        ("topic", site.topic.get_absolute_url()),
        ("organization", site.organization.get_absolute_url()),
        ("archive", "/archive/"),
        ("topics index", "/topics/"),
        ("organizations index", "/organizations/"),
        ("month archive", site.month),
        ("search", "/search/?q=shelter"),
        ("search without results", "/search/?q=zzzzqqq"),
        ("site page", site.page_url),
        ("404", "/no-such-page/"),
    ]


@pytest.mark.browser
@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_public_pages_have_no_wcag_21_aa_violations(browsing, demo_site, color_scheme):
    page = browsing.new_page("visitor", color_scheme=color_scheme)
    violations = []
    for label, path in public_pages(demo_site):
        response = page.goto(path)
        assert response.status == (404 if label == "404" else 200), (label, response.status)
        violations += axe_violations(page, label)
        # What a reader hears or sees must never be template source (a {# #} over two lines).
        text = page.locator("body").inner_text()
        violations += [
            f"{label}: template syntax shown: {m!r}" for m in TEMPLATE_SYNTAX.findall(text)
        ]

    # The statement page with the form's errors shown (an empty answer, no name or email).
    page.goto(demo_site.url)
    form = page.locator("form.comment-form")
    form.get_by_label("Comment").fill("I would like to help at the day centre.")
    form.get_by_role("button", name="Post Comment").click()
    expect(page.locator("#comment-errors")).to_be_visible()
    expect(form.locator(".field__error")).not_to_have_count(0)
    violations += axe_violations(page, "statement with form errors")

    # … and with the visitor's own comment awaiting moderation, and the message about it.
    form.get_by_label("Name").fill("Sam Rivera")
    form.get_by_role("textbox", name="Email").fill("sam@example.org")
    form.get_by_label("Solve :").fill(stored_answer(question_key(page)))
    form.get_by_role("button", name="Post Comment").click()
    expect(page.locator(".messages")).to_contain_text("awaiting moderation")
    violations += axe_violations(page, "statement with a pending comment")

    assert not violations, "\n".join(violations)


@pytest.mark.browser
def test_public_pages_make_no_request_to_any_other_site(browsing, demo_site):
    page = browsing.new_page("visitor")
    for _label, path in public_pages(demo_site):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    page.goto(demo_site.url)
    page.locator("form.comment-form").get_by_label("Comment").click()  # fetches a question
    question_key(page)
    page.locator("#main").evaluate("main => main.scrollIntoView({block: 'end'})")
    page.wait_for_load_state("networkidle")

    urls = [url for _label, url in browsing.requests]
    kinds = {urlsplit(url).path.split("/")[1] for url in urls}
    # The check means something only if pages, styles, scripts, images and the question loaded.
    assert {"statements", "static", "media", "comments"} <= kinds, kinds
    assert not browsing.foreign_requests(), "\n".join(browsing.foreign_requests())
