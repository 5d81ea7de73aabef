"""An editor saves a draft of changes to a published statement, previews it, publishes it."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.support import admin_login, axe_violations, screenshot


@pytest.mark.browser
def test_editor_previews_then_publishes_changes(browsing, editor_account):
    statement = factories.make_published(
        "Clean air near every school",
        summary="Forty schools stand next to the ring road.",
        body="<p>The council must move the bus depot away from the schools.</p>",
        author=editor_account,
    )
    factories.make_note(statement, editor=editor_account, text="Reposted with thanks.")
    visitor = browsing.new_page("visitor")
    visitor.goto(statement.get_absolute_url())
    expect(visitor.locator("main")).to_contain_text("bus depot")

    page = browsing.new_page("editor")
    admin_login(page, editor_account)
    page.goto(f"/admin/statements/statement/{statement.pk}/change/")
    page.get_by_label("Title").fill("Clean air near every school and nursery")
    page.locator("#id_editor_notes-0-text").fill("Updated with the parents' petition.")
    page.get_by_role("button", name="Save draft of changes").click()
    expect(page.locator(".messagelist")).to_contain_text("The draft of changes is saved")
    expect(page.locator(".draft-notice")).to_contain_text("You are editing a draft of changes.")
    expect(page.get_by_label("Title")).to_have_value("Clean air near every school and nursery")
    expect(page.locator("#id_editor_notes-0-text")).to_have_value(
        "Updated with the parents' petition."
    )
    violations = axe_violations(page, "statement form with a draft of changes")
    screenshot(page, "statement-form-with-draft")

    # Visitors still see the published statement.
    visitor.reload()
    expect(visitor.locator("h1")).to_have_text("Clean air near every school")
    expect(visitor.locator(".editor-note")).to_contain_text("Reposted with thanks.")

    page.locator(".draft-notice").get_by_role("link", name="Preview the changes").click()
    expect(page.locator(".preview-banner")).to_contain_text("changes not published yet")
    expect(page.locator("h1")).to_have_text("Clean air near every school and nursery")
    expect(page.locator("main")).not_to_contain_text("Next statement")  # not itself
    expect(page.locator(".editor-note")).to_contain_text("Updated with the parents' petition.")
    violations += axe_violations(page, "preview of a draft of changes")
    screenshot(page, "draft-preview")
    page.go_back()

    page.get_by_role("button", name="Publish changes").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(page.locator(".draft-notice")).to_have_count(0)
    visitor.reload()
    expect(visitor.locator("h1")).to_have_text("Clean air near every school and nursery")
    expect(visitor.locator(".editor-note")).to_contain_text("Updated with the parents' petition.")
    expect(page.locator("#compare-revisions tbody tr").first).to_contain_text(
        "Published the draft of changes"
    )
    assert not violations, "\n".join(violations)
