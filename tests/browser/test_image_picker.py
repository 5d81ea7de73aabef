"""The Figure button's image picker: choose a library image, or upload one, from the editor."""

import pytest
from playwright.sync_api import expect

from statements.models import Statement
from tests import factories
from tests.browser.support import (
    admin_login,
    axe_violations,
    jpeg_file,
    river_photo,
    screenshot,
    workshop_photo,
)


def open_picker(page):
    page.locator(".field-body button[title='figure']").click()
    dialog = page.locator("dialog.prose-editor-dialog")
    expect(dialog).to_be_visible()
    with page.expect_popup() as popup_info:
        dialog.get_by_role("button", name="Browse...").click()
    picker = popup_info.value
    picker.wait_for_load_state()
    return dialog, picker


@pytest.mark.browser
def test_editor_picks_and_uploads_images_from_the_figure_dialog(
    browsing, editor_account, tmp_path
):
    for n in range(3):
        factories.make_image(
            content=jpeg_file(workshop_photo(), tmp_path / f"w{n}.jpg").read_bytes(),
            alt_text=f"People around a table with maps, meeting {n}",
            caption=f"Planning meeting {n}",
            credit="© River Rights Coalition",
        )
    dock = factories.make_image(
        content=jpeg_file(river_photo(), tmp_path / "river.jpg").read_bytes(),
        alt_text="A crowd on the river bank holds a long banner",
        caption="Marchers on the east bank",
        credit="© Delta Photo Collective / Ana Ruiz",
    )
    page = browsing.new_page("editor")
    admin_login(page, editor_account)
    page.goto("/admin/statements/statement/add/")
    page.locator(".field-body .ProseMirror[contenteditable=true]").click()
    dialog, picker = open_picker(page)
    expect(picker.get_by_label("Search by caption, alt text or credit")).to_be_focused()
    expect(picker.locator(".picker-choose")).to_have_count(4)
    expect(picker.locator(".picker-choose").first).to_contain_text(dock.alt_text)  # newest
    violations = axe_violations(picker, "image picker")
    screenshot(picker, "image-picker")
    picker.get_by_label("Search by caption, alt text or credit").fill("Delta Photo")
    picker.get_by_role("button", name="Search", exact=True).click()
    expect(picker.locator(".picker-choose")).to_have_count(1)
    with picker.expect_event("close"):
        picker.get_by_role("button", name=dock.alt_text).click()
    expect(dialog.get_by_label("Image URL")).to_have_value(dock.file.url)
    expect(dialog.get_by_label("Alternative Text")).to_have_value(dock.alt_text)
    dialog.get_by_role("button", name="Insert").click()
    editor = page.locator(".field-body .ProseMirror[contenteditable=true]")
    expect(editor.locator("figure img")).to_have_attribute("data-file", str(dock.pk))
    # Enter after a figure starts a paragraph after it, not more caption.
    editor.locator("figure figcaption").click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("The banner reads: hands off the delta.")
    expect(editor.locator("figure + p")).to_have_text("The banner reads: hands off the delta.")
    expect(editor.locator("figcaption")).to_have_text(dock.caption)

    # An image not in the library yet, uploaded right there (alt text asked for).
    page.keyboard.press("Enter")
    dialog, picker = open_picker(page)
    picker.locator("#id_file").set_input_files(str(jpeg_file(river_photo(), tmp_path / "new.jpg")))
    # The browser asks for the alt text before anything is sent (the server checks again).
    expect(picker.get_by_label("Alt text:")).to_have_attribute("required", "")
    picker.get_by_label("Alt text:").fill("Boats tied up at the jetty")
    picker.get_by_label("Credit:", exact=True).fill("© Jetty Watch")
    with picker.expect_event("close"):
        picker.get_by_role("button", name="Upload and choose").click()
    expect(dialog.get_by_label("Alternative Text")).to_have_value("Boats tied up at the jetty")
    dialog.get_by_role("button", name="Insert").click()
    expect(editor.locator("figure img")).to_have_count(2)

    page.get_by_label("Title").fill("Figures from the library")
    organization = factories.make_organization("River Rights Coalition")
    page.locator(".field-organizations .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").press_sequentially("River")
    page.locator(".select2-results__option", has_text=organization.name).click()
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    statement = Statement.objects.get(title="Figures from the library")
    assert f'data-file="{dock.pk}"' in statement.body
    assert statement.body_images.count() == 2
    assert not violations, "\n".join(violations)


@pytest.mark.browser
def test_editor_picks_the_featured_image_with_thumbnails(browsing, editor_account, tmp_path):
    dock = factories.make_image(
        content=jpeg_file(river_photo(), tmp_path / "river.jpg").read_bytes(),
        alt_text="A crowd on the river bank holds a long banner",
        caption="Marchers on the east bank",
        credit="© Delta Photo Collective / Ana Ruiz",
    )
    statement = factories.make_published("Hands off the delta")
    page = browsing.new_page("editor")
    admin_login(page, editor_account)
    page.goto(f"/admin/statements/statement/{statement.pk}/change/")
    with page.expect_popup() as popup_info:
        page.get_by_role("link", name="Browse the library…").click()
    picker = popup_info.value
    picker.wait_for_load_state()
    expect(picker.locator(".picker-choose img")).to_have_count(1)
    with picker.expect_event("close"):
        picker.get_by_role("button", name=dock.alt_text).click()
    field = page.locator(".field-featured_image")
    expect(field.locator(".select2-selection__rendered")).to_contain_text(dock.caption)
    expect(field.locator(".featured-image-preview img")).to_have_attribute(
        "src", dock.thumbnail_url
    )
    expect(page.get_by_role("link", name="Browse the library…")).to_be_focused()
    violations = axe_violations(page, "statement form with a featured image")
    screenshot(page, "featured-image-picked")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    statement.refresh_from_db()
    assert statement.featured_image == dock
    expect(page.locator(".featured-image-preview img")).to_have_attribute(
        "src", dock.thumbnail_url
    )
    assert not violations, "\n".join(violations)


@pytest.mark.browser
def test_a_picture_from_another_site_is_flagged_in_the_editor(browsing, editor_account):
    page = browsing.new_page("editor")
    admin_login(page, editor_account)
    page.goto("/admin/statements/statement/add/")
    editor = page.locator(".field-body .ProseMirror[contenteditable=true]")
    editor.click()
    page.locator(".field-body button[title='figure']").click()
    dialog = page.locator("dialog.prose-editor-dialog")
    dialog.get_by_label("Image URL").fill("https://elsewhere.invalid/rally.jpg")
    dialog.get_by_label("Alternative Text").fill("A rally")
    dialog.get_by_role("button", name="Insert").click()
    warning = page.locator(".field-body .library-figure-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text(
        "Not in the image library: “https://elsewhere.invalid/rally.jpg”"
    )
    expect(warning).to_have_attribute("role", "alert")
    screenshot(page, "figure-outside-library")
    violations = axe_violations(page, "statement form with a warned figure")
    # Gone once the picture is removed.
    editor.locator("figure").click()
    page.keyboard.press("Delete")
    editor.press("Control+a")
    page.keyboard.press("Delete")
    expect(warning).to_be_hidden()
    assert not violations, "\n".join(violations)
