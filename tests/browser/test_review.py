"""A contributor writes a statement and submits it; an editor finds it waiting and publishes it."""

import pytest
from playwright.sync_api import expect

from statements.models import Statement
from tests import factories
from tests.browser.support import admin_login, axe_violations, screenshot


@pytest.mark.browser
def test_a_contributor_submits_and_an_editor_publishes(browsing, editor_account):
    contributor = factories.make_contributor("casey", first_name="Casey", last_name="Nguyen")
    organization = factories.make_organization("Parents for Safe Streets")
    writer = browsing.new_page("contributor")
    admin_login(writer, contributor)
    writer.goto("/admin/statements/statement/add/")
    expect(writer.get_by_role("button", name="Submit for review")).to_be_visible()
    expect(writer.get_by_label("Status")).to_have_count(0)  # shown, not chosen
    writer.get_by_label("Title").fill("Safe streets around every school")
    writer.locator(".field-organizations .select2-selection").click()
    writer.locator(".select2-container--open .select2-search__field").press_sequentially("Parents")
    writer.locator(".select2-results__option", has_text=organization.name).click()
    writer.locator(".field-body .ProseMirror[contenteditable=true]").click()
    writer.keyboard.type("Parents have asked for crossings since 2019.")
    violations = axe_violations(writer, "statement form of a contributor")
    writer.get_by_role("button", name="Submit for review").click()
    expect(writer.locator(".messagelist")).to_contain_text("Submitted for review")
    expect(writer.locator(".review-notice")).to_contain_text("Waiting for review.")
    statement = Statement.objects.get(title="Safe streets around every school")
    assert statement.status == Statement.Status.DRAFT

    editor = browsing.new_page("editor")
    admin_login(editor, editor_account)
    editor.goto("/admin/editing/review/")
    rows = editor.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("casey")
    violations += axe_violations(editor, "waiting for review list")
    screenshot(editor, "review-list")
    rows.first.get_by_role("link", name="Safe streets around every school").click()
    expect(editor.locator(".review-notice")).to_contain_text("Submitted by casey")
    violations += axe_violations(editor, "statement waiting for review")
    editor.get_by_role("button", name="Approve and publish").click()
    expect(editor.locator(".messagelist")).to_contain_text("Approved and published.")
    editor.goto(f"/admin/statements/statement/{statement.pk}/change/")
    expect(editor.locator("#compare-revisions tbody tr").first).to_contain_text(
        "Published after review (submitted by casey)."
    )
    statement.refresh_from_db()
    assert statement.status == Statement.Status.PUBLISHED
    visitor = browsing.new_page("visitor")
    visitor.goto(statement.get_absolute_url())
    expect(visitor.locator("h1")).to_have_text("Safe streets around every school")
    assert not violations, "\n".join(violations)
