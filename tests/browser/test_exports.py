"""Exports in a real browser: an editor exports subscribers and downloads the file; axe-clean."""

import csv
import io

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.support import admin_login, axe_violations, screenshot

pytestmark = pytest.mark.browser


@pytest.mark.browser
def test_an_editor_exports_the_subscribers_and_downloads_the_csv(browsing, editor_account):
    for n in range(12):
        factories.make_subscriber(f"reader{n:02}@example.org")
    page = browsing.new_page("editor")
    admin_login(page, editor_account)
    page.goto("/admin/subscriptions/subscriber/")
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option("export_csv")
    page.get_by_role("button", name="Go").click()
    message = page.locator(".messagelist")
    expect(message).to_contain_text("The export of 12 subscribers is being prepared")
    message.get_by_role("link", name="Exports").click()

    expect(page.locator("h1")).to_have_text("Your exports")
    link = page.get_by_role("link", name="Download subscribers-")
    expect(link).to_be_visible()
    violations = axe_violations(page, "exports list")
    screenshot(page, "exports-list")
    with page.expect_download() as arrival:
        link.click()
    download = arrival.value
    assert download.suggested_filename.startswith("subscribers-")
    rows = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8").read())))
    assert [r["email"] for r in rows] == [f"reader{n:02}@example.org" for n in range(12)]
    assert not violations, "\n".join(violations)


@pytest.mark.browser
def test_the_personal_data_form_keeps_a_mistyped_address_and_says_why(browsing, staff_groups):
    officer = factories.make_user("dpo", staff=True, is_superuser=True)
    page = browsing.new_page("officer")
    admin_login(page, officer)
    page.goto("/admin/exports/export/")
    page.get_by_role("link", name="Export everything stored about an address").click()
    violations = axe_violations(page, "personal data form")
    page.get_by_label("Email address").fill("ana@example")
    page.get_by_role("button", name="Prepare the export").click()
    expect(page.locator(".errorlist")).to_contain_text("Enter a valid email address.")
    expect(page.get_by_label("Email address")).to_have_value("ana@example")
    violations += axe_violations(page, "personal data form with an error")
    screenshot(page, "exports-personal-data-error")
    page.get_by_label("Email address").fill("ana@example.org")
    page.get_by_role("button", name="Prepare the export").click()
    expect(page.locator(".messagelist")).to_contain_text("The export is being prepared")
    expect(page.get_by_role("link", name="Download personal-data-")).to_be_visible()
    assert not violations, "\n".join(violations)
