"""A figure's own credit: written in the Figure dialog, shown on the page instead of the library's."""

import pytest
from playwright.sync_api import expect

from statements.figures import figure_markup
from statements.models import Statement
from tests import factories
from tests.browser.support import admin_login, axe_violations, jpeg_file, river_photo, screenshot


@pytest.mark.browser
def test_editor_writes_a_figures_own_credit_and_visitors_see_it(
    browsing, editor_account, tmp_path
):
    photo = factories.make_image(
        content=jpeg_file(river_photo(), tmp_path / "river.jpg").read_bytes(),
        alt_text="A crowd on the river bank holds a long banner",
        caption="Marchers on the east bank",
        credit="© Delta Photo Collective",
        credit_url="https://delta-photo.example.org/",
    )
    statement = factories.make_published(
        "Hands off the delta",
        body="<p>Thousands marched.</p>" + str(figure_markup(photo)),
        author=editor_account,
    )
    visitor = browsing.new_page("visitor")
    visitor.goto(statement.get_absolute_url())
    expect(visitor.locator(".figure__credit")).to_have_text("© Delta Photo Collective")

    page = browsing.new_page("editor")
    admin_login(page, editor_account)
    page.goto(f"/admin/statements/statement/{statement.pk}/change/")
    editor = page.locator(".field-body .ProseMirror[contenteditable=true]")
    editor.locator("figure img").click()
    page.locator(".field-body button[title='figure']").click()
    dialog = page.locator("dialog.prose-editor-dialog")
    expect(dialog.get_by_role("heading")).to_have_text("Edit Figure")
    credit = dialog.get_by_label("Credit")
    expect(credit).to_have_value("")  # the library's is shown
    credit.fill("Ana Ruiz for the Delta Dockers’ Union")
    violations = axe_violations(page, "figure dialog with a credit")
    screenshot(page, "figure-dialog-credit")
    dialog.get_by_role("button", name="Update").click()
    expect(editor.locator("figure img")).to_have_attribute(
        "data-credit", "Ana Ruiz for the Delta Dockers’ Union"
    )
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    visitor.reload()
    shown = visitor.locator(".figure__credit")
    expect(shown).to_have_text("Ana Ruiz for the Delta Dockers’ Union")
    expect(shown.locator("a")).to_have_count(0)  # the library's link is for its own words
    expect(visitor.locator(".figure__caption")).to_have_text("Marchers on the east bank")
    violations += axe_violations(visitor, "statement with a figure's own credit")
    screenshot(visitor, "figure-own-credit")

    # The dialog opens on the figure's own credit; emptied, the library's is back.
    editor = page.locator(".field-body .ProseMirror[contenteditable=true]")
    editor.locator("figure img").click()
    page.locator(".field-body button[title='figure']").click()
    credit = page.locator("dialog.prose-editor-dialog").get_by_label("Credit")
    expect(credit).to_have_value("Ana Ruiz for the Delta Dockers’ Union")
    credit.fill("")
    page.locator("dialog.prose-editor-dialog").get_by_role("button", name="Update").click()
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert "data-credit" not in Statement.objects.get(pk=statement.pk).body
    visitor.reload()
    expect(visitor.locator(".figure__credit a")).to_have_text("© Delta Photo Collective")
    assert not violations, "\n".join(violations)


@pytest.mark.browser
def test_a_figure_chosen_in_the_picker_starts_with_the_librarys_credit(
    browsing, editor_account, tmp_path
):
    photo = factories.make_image(
        content=jpeg_file(river_photo(), tmp_path / "river.jpg").read_bytes(),
        alt_text="Boats tied up at the jetty",
        caption="The jetty at dawn",
        credit="© Jetty Watch",
    )
    page = browsing.new_page("editor")
    admin_login(page, editor_account)
    page.goto("/admin/statements/statement/add/")
    page.locator(".field-body .ProseMirror[contenteditable=true]").click()
    page.locator(".field-body button[title='figure']").click()
    dialog = page.locator("dialog.prose-editor-dialog")
    with page.expect_popup() as popup_info:
        dialog.get_by_role("button", name="Browse...").click()
    picker = popup_info.value
    with picker.expect_event("close"):
        picker.get_by_role("button", name=photo.alt_text).click()
    expect(dialog.get_by_label("Credit")).to_have_value("© Jetty Watch")
    dialog.get_by_label("Credit").fill("© Jetty Watch / Luis Ortega")
    dialog.get_by_role("button", name="Insert").click()
    editor = page.locator(".field-body .ProseMirror[contenteditable=true]")
    expect(editor.locator("figure img")).to_have_attribute("data-file", str(photo.pk))
    expect(editor.locator("figure img")).to_have_attribute(
        "data-credit", "© Jetty Watch / Luis Ortega"
    )
    page.get_by_label("Title").fill("At the jetty")
    organization = factories.make_organization("Jetty Watch")
    page.locator(".field-organizations .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").press_sequentially("Jetty")
    page.locator(".select2-results__option", has_text=organization.name).click()
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    body = Statement.objects.get(title="At the jetty").body
    assert 'data-credit="© Jetty Watch / Luis Ortega"' in body
