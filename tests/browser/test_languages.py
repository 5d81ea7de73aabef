"""An Arabic statement linked to its English original: right to left, on desktop and phone."""

import pytest
from playwright.sync_api import expect

from statements.models import Statement
from tests.browser.support import PHONE, axe_violations, screenshot, stored_answer

ARABIC_SLUG = "asatih-barida-li-kull-madrasa"


def scroll_width(page):
    return page.evaluate("() => document.documentElement.scrollWidth")


@pytest.mark.browser
def test_an_arabic_statement_reads_right_to_left_and_links_its_translations(browsing, demo_site):
    arabic = Statement.objects.get(slug=ARABIC_SLUG)
    english = arabic.translation_of
    problems = []
    for label, options in [
        ("desktop", {}),
        ("phone", {"viewport": PHONE, "is_mobile": True, "has_touch": True}),
    ]:
        page = browsing.new_page(f"visitor-{label}", **options)
        page.goto(arabic.get_absolute_url())
        assert page.evaluate("document.documentElement.dir") == "rtl"
        assert page.evaluate("document.documentElement.lang") == "ar"
        expect(page.get_by_role("heading", level=1)).to_have_text(arabic.title)
        # Text starts at the right: the title's right edge meets the content's.
        title_box = page.locator(".statement__title").bounding_box()
        body_box = page.locator(".statement__body").bounding_box()
        assert abs((title_box["x"] + title_box["width"]) - (body_box["x"] + body_box["width"])) < 2
        width = page.evaluate("innerWidth")
        if scroll_width(page) > width:
            problems.append(f"{label}: {scroll_width(page)} px wide in a {width} px window")
        problems += axe_violations(page, f"arabic statement ({label})")
        page.locator("#respond").scroll_into_view_if_needed()
        screenshot(page, f"arabic-statement-{label}")
        page.evaluate("window.scrollTo(0, 0)")
        screenshot(page, f"arabic-statement-{label}-top")
    also_in = page.get_by_role("navigation", name="لغات أخرى")
    expect(also_in).to_contain_text("English")
    also_in.get_by_role("link", name="English").click()
    expect(page).to_have_url(f"{browsing.base_url}{english.get_absolute_url()}")
    assert page.evaluate("document.documentElement.dir") == "ltr"
    expect(page.locator(".also-in")).to_contain_text("العربيّة")
    hreflangs = page.eval_on_selector_all(
        "link[rel=alternate][hreflang]", "links => links.map(l => l.hreflang).sort()"
    )
    assert hreflangs == ["ar", "en", "es", "x-default"]
    assert not problems, "\n".join(problems)


@pytest.mark.browser
def test_without_javascript_a_visitor_gets_the_question_before_posting(browsing, demo_site):
    page = browsing.new_page("no-script", java_script_enabled=False)
    page.goto(demo_site.url)
    link = page.get_by_role("link", name="Write your comment on a page that shows the question")
    expect(link).to_be_visible()
    link.click()
    question = page.locator(".question__text")
    expect(question).to_contain_text("=")
    screenshot(page, "comment-page-without-javascript")
    respond_url = page.url
    page.get_by_label("Comment").fill("Written with scripts off, posted the first time.")
    page.get_by_label("Name").fill("Noor")
    page.get_by_role("textbox", name="Email").fill("noor@example.net")
    key = page.locator("input[name=captcha_0]").input_value()
    page.locator("input[name=captcha_1]").fill(stored_answer(key))
    page.get_by_role("button", name="Post Comment").click()
    expect(page.locator(".messages")).to_contain_text("awaiting moderation")
    expect(page.locator("main")).to_contain_text("Written with scripts off")
    # axe runs as a script: the same page, in a browser that runs them.
    checker = browsing.new_page("axe")
    checker.goto(respond_url)
    violations = axe_violations(checker, "the comment form on a page of its own")
    assert not violations, "\n".join(violations)
