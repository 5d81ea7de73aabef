"""No typed text is lost on the statement form: autosave, the leave-page warning, the restore
offer, and a Save that meets an expired session."""

import pytest
from playwright.sync_api import expect

from statements.models import Statement
from tests import factories
from tests.browser.support import axe_violations

ADD = "/admin/statements/statement/add/"
TITLE = "Safe streets around every school"
TYPED = "Parents have asked for crossings since 2019."


def kept_in_browser(page):
    """Wait until the form's text is kept in this browser's storage."""
    page.wait_for_function(
        "text => Object.keys(localStorage).some(k => k.startsWith('editing-autosave:')"
        " && localStorage.getItem(k).includes(text))",
        arg=TYPED,
    )


def body_editor(page):
    return page.locator(".field-body .ProseMirror[contenteditable=true]")


def log_in_here(page, user):
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.browser
def test_typed_text_survives_leaving_the_page(browsing, editor_account):
    page = browsing.new_page("editor")
    page.goto("/admin/login/?next=/admin/")
    log_in_here(page, editor_account)
    page.wait_for_url("**/admin/")
    page.goto(ADD)
    page.get_by_label("Title").fill(TITLE)
    body_editor(page).click()
    page.keyboard.type(TYPED)
    kept_in_browser(page)

    # Leaving asks first; staying keeps the page as it is.
    dialogs = []

    def stay(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.once("dialog", stay)
    page.locator("#nav-sidebar").get_by_role("link", name="Topics").click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    expect(page.get_by_label("Title")).to_have_value(TITLE)

    # Leaving anyway (as a crash or a closed tab would), then coming back.
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#nav-sidebar").get_by_role("link", name="Topics").click()
    page.wait_for_url("**/topic/")
    page.goto(ADD)
    offer = page.locator(".autosave-offer")
    expect(offer).to_contain_text("Unsaved changes from")
    violations = axe_violations(page, "statement form offering unsaved changes")
    expect(page.get_by_label("Title")).to_have_value("")
    offer.get_by_role("button", name="Restore the unsaved changes").click()
    expect(offer).to_have_count(0)
    expect(page.get_by_label("Title")).to_have_value(TITLE)
    expect(body_editor(page)).to_contain_text(TYPED)
    assert not violations, "\n".join(violations)

    # Once saved, nothing is offered any more.
    organization = factories.make_organization("Parents for Safe Streets")
    page.locator(".field-organizations .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").press_sequentially("Parents")
    page.locator(".select2-results__option", has_text=organization.name).click()
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    assert TYPED in Statement.objects.get(title=TITLE).body
    page.goto(ADD)
    expect(page.get_by_label("Title")).to_be_visible()
    page.wait_for_timeout(300)
    expect(page.locator(".autosave-offer")).to_have_count(0)


@pytest.mark.browser
def test_a_save_after_the_session_expired_keeps_the_typed_text(browsing, editor_account):
    statement = factories.make_published(
        "Clean air near every school", summary="Forty schools.", author=editor_account
    )
    context = browsing.new_context("editor")
    page = context.new_page()
    change = f"/admin/statements/statement/{statement.pk}/change/"
    page.goto(f"/admin/login/?next={change}")
    log_in_here(page, editor_account)
    page.wait_for_url(f"**{change}")
    page.get_by_label("Summary").fill(TYPED)
    body_editor(page).click()
    page.keyboard.press("End")
    page.keyboard.type(" Every word counts.")

    context.clear_cookies(name="sessionid")  # the login expired while the editor typed
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    statement.refresh_from_db()
    assert statement.summary == "Forty schools."

    log_in_here(page, editor_account)
    page.wait_for_url(f"**{change}")
    offer = page.locator(".autosave-offer")
    offer.get_by_role("button", name="Restore the unsaved changes").click()
    expect(page.get_by_label("Summary")).to_have_value(TYPED)
    expect(body_editor(page)).to_contain_text("Every word counts.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    statement.refresh_from_db()
    assert statement.summary == TYPED
    assert "Every word counts." in statement.body
