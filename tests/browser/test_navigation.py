"""The topic and organization indexes, reached from the footer of any page."""

import pytest
from playwright.sync_api import expect

from tests.browser.support import axe_violations, screenshot


@pytest.mark.browser
def test_a_visitor_finds_topics_from_the_footer(browsing, demo_site):
    page = browsing.new_page("visitor")
    page.goto(demo_site.url)
    page.locator("footer").get_by_role("link", name="Topics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Topics")
    entries = page.locator(".label-index li")
    expect(entries.first).to_contain_text("statement")
    violations = axe_violations(page, "topics index")
    screenshot(page, "topics-index")
    entries.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Topic:")
    page.goto("/organizations/")
    expect(page.locator(".label-index li").first).to_contain_text("statement")
    assert not violations, "\n".join(violations)
