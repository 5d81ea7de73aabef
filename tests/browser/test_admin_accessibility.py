"""axe-core on the admin pages editors write in: every control has a name screen readers read."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.support import admin_login, axe_violations


def _form_violations(page, label):
    # The editor and the autocomplete boxes are drawn by scripts: wait for them.
    expect(page.locator(".field-body .ProseMirror[contenteditable=true]")).to_be_visible()
    expect(page.locator(".field-organizations .select2-selection")).to_be_visible()
    return axe_violations(page, label)


@pytest.mark.browser
def test_statement_forms_have_no_wcag_21_aa_violations(browsing, editor_account):
    page = browsing.new_page("editor")
    admin_login(page, editor_account)
    page.goto("/admin/statements/statement/add/")
    violations = _form_violations(page, "statement add form")

    statement = factories.make_published(
        "Clean air near every school",
        body="<p>Forty schools stand next to the ring road.</p>",
        topics=[factories.make_topic("Air")],
        featured_image=factories.make_image(),
    )
    page.goto(f"/admin/statements/statement/{statement.pk}/change/")
    violations += _form_violations(page, "statement change form")
    page.goto("/admin/statements/statement/")
    violations += axe_violations(page, "statement list")
    assert not violations, "\n".join(violations)


@pytest.mark.browser
def test_statement_form_controls_are_named(browsing, editor_account):
    """What a screen reader announces for the controls axe found nameless."""
    page = browsing.new_page("editor")
    admin_login(page, editor_account)
    page.goto("/admin/statements/statement/add/")
    expect(page.get_by_role("textbox", name="Body")).to_be_visible()
    for name in ["Organizations", "Topics", "Featured image"]:
        expect(page.get_by_role("combobox", name=name).first).to_be_visible()
    expect(page.get_by_label("Publish at: date")).to_be_visible()
    expect(page.get_by_label("Publish at: time")).to_be_visible()


@pytest.mark.browser
def test_a_site_pages_revision_history_is_accessible(browsing, editor_account):
    from pages.models import Page
    from tests.browser.support import screenshot

    about = Page.objects.create(title="About us", status="published", body="<p>We organize.</p>")
    page = browsing.new_page("editor")
    admin_login(page, editor_account)
    for n, title in enumerate(("About the union", "About us")):
        page.goto(f"/admin/pages/page/{about.pk}/change/")
        if n == 0:
            expect(page.locator(".field-body .ProseMirror[contenteditable=true]")).to_be_visible()
            violations = axe_violations(page, "site page form")
        page.get_by_label("Title").fill(title)
        page.get_by_role("button", name="Save and continue editing").click()
        expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.goto(f"/admin/pages/page/{about.pk}/history/")
    expect(page.locator("#change-history tbody tr")).to_have_count(2)
    violations += axe_violations(page, "site page history")
    screenshot(page, "page-history")
    page.locator("#change-history tbody tr").last.get_by_role("link").click()
    expect(page.get_by_label("Title")).to_have_value("About the union")
    violations += axe_violations(page, "site page revision form")
    assert not violations, "\n".join(violations)
