"""An editor compares two revisions of a statement and restores the older one, in Chromium."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.support import admin_login, axe_violations, screenshot


def save_title(page, title):
    page.get_by_label("Title").fill(title)
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")


@pytest.mark.browser
def test_editor_compares_and_restores_a_revision(browsing, editor_account):
    statement = factories.make_published(
        "Clean air near every school",
        summary="Forty schools stand next to the ring road.",
        body="<p>The council must move the bus depot away from the schools.</p>",
        author=editor_account,
    )
    page = browsing.new_page("editor")
    admin_login(page, editor_account)
    page.goto(f"/admin/statements/statement/{statement.pk}/change/")
    save_title(page, "Clean air near every school and nursery")
    editor = page.locator(".field-body .ProseMirror[contenteditable=true]")
    editor.click()
    page.keyboard.press("End")
    page.keyboard.type(" Now.")
    save_title(page, "Clean air near some schools")

    revisions = page.locator("#compare-revisions tbody tr")
    # The factory saved without the admin: its content is kept as the oldest revision.
    expect(revisions).to_have_count(3)
    expect(revisions.first).to_contain_text("Changed Title and Body.")
    expect(revisions.last).to_contain_text("saved without the admin")
    page.get_by_role("button", name="Compare the chosen revisions").click()

    expect(page.locator("h1")).to_contain_text("Compare revisions")
    title_row = page.locator("tr.changed", has=page.get_by_role("rowheader", name="Title"))
    expect(title_row.locator("del")).to_have_text(["every", "school and nursery"])
    expect(title_row.locator("ins")).to_have_text(["some", "schools"])
    body_row = page.locator("tr.changed", has=page.get_by_role("rowheader", name="Body"))
    expect(body_row.locator("ins")).to_contain_text(["Now."])
    expect(body_row).not_to_contain_text("<p>")
    violations = axe_violations(page, "compare revisions")
    screenshot(page, "revisions-compare")

    page.get_by_role("link", name="Restore the older revision…").click()
    expect(page.locator("h1")).to_contain_text("Restore a revision")
    violations += axe_violations(page, "restore a revision")
    page.get_by_role("button", name="Restore this revision").click()
    expect(page.locator(".messagelist")).to_contain_text("is restored, as a new revision")
    expect(page.get_by_label("Title")).to_have_value("Clean air near every school and nursery")
    expect(revisions).to_have_count(4)
    violations += axe_violations(page, "change page with revisions")
    assert not violations, "\n".join(violations)
