"""Flow 1: an editor publishes a statement in the admin; a visitor finds it and reads every part."""

from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.browser.support import (
    SHARE_LABELS,
    admin_login,
    jpeg_file,
    river_photo,
    visible_text,
    workshop_photo,
)

TITLE = "U.S. \u2212 Hands Off the River Delta!"
SLUG = "us-hands-off-the-river-delta"
ORGANIZATIONS = [
    ("River Rights Coalition", "https://rivers.example.org/"),
    ("Delta Fishers’ Union", "https://fishers.example.net/"),
]
TOPIC = "Water and Land"
SUMMARY = "Two organizations ask the government to stop the dredging permit for the delta."
PARAGRAPHS = [
    "The river delta feeds forty villages and the fishers who live on its banks.",
    "We ask the ministry to withdraw the dredging permit and to meet the communities first.",
]
NOTE = "We repost this statement with the permission of both organizations."
SOURCE = ("Delta Fishers’ Union newsletter", "https://fishers.example.net/news/hands-off")
FEATURED = {
    "alt": "A crowd on the river bank holds a long banner at dusk",
    "caption": "Marchers on the east bank, March 2024",
    "credit": "© Delta Photo Collective / Ana Ruiz",
}
IN_BODY = {
    "alt": "Papers spread on a table, seen from above, with people around it",
    "caption": "The communities’ own plan for the delta",
    "credit": "© Photo : River Rights Coalition",
}
# The picture (whichever size the browser chose) came from this site's media and shows.
LOADED_FROM_THE_SITE = """img => img.complete && img.naturalWidth > 0
    && new URL(img.currentSrc).origin === location.origin
    && new URL(img.currentSrc).pathname.startsWith("/media/")"""


def upload_image(page, path, fields):
    """Upload through the Image library's add page; return the address for the body editor."""
    page.goto("/admin/statements/image/add/")
    page.locator("#id_file").set_input_files(str(path))
    page.get_by_label("Alt text").fill(fields["alt"])
    page.get_by_label("Caption").fill(fields["caption"])
    page.get_by_label("Credit:", exact=True).fill(fields["credit"])
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    address = page.locator(".field-body_url code").inner_text().strip()
    assert address.startswith("/media/library/") and address.endswith(".jpg"), address
    return address


def add_related_in_popup(page, button_id, fill):
    """Click a "+" next to a relation, fill the popup's form, save; the popup closes itself."""
    with page.expect_popup() as popup_info:
        page.locator(f"#{button_id}").click()
    popup = popup_info.value
    popup.wait_for_load_state()
    fill(popup)
    with popup.expect_event("close"):
        popup.get_by_role("button", name="Save", exact=True).click()


def fill_organization(name, url):
    def fill(popup):
        popup.get_by_label("Name").press_sequentially(name)
        expect(popup.get_by_label("Slug")).not_to_have_value("")
        popup.get_by_label("Website").fill(url)

    return fill


def fill_topic(name):
    def fill(popup):
        popup.get_by_label("Name").press_sequentially(name)
        expect(popup.get_by_label("Slug")).not_to_have_value("")

    return fill


def type_body(page, figure_address):
    """Type the body into the WYSIWYG editor and place the in-body figure with its button."""
    editor = page.locator(".field-body .ProseMirror[contenteditable=true]")
    editor.click()
    page.keyboard.type(PARAGRAPHS[0])
    page.keyboard.press("Enter")
    page.keyboard.type("## What we ask")  # the editor turns "## " into a heading
    page.keyboard.press("Enter")
    page.keyboard.press("Control+b")
    page.keyboard.type("Withdraw the permit.")
    page.keyboard.press("Control+b")
    page.keyboard.type(" " + PARAGRAPHS[1])
    page.keyboard.press("Enter")

    page.locator(".field-body button[title='figure']").click()
    dialog = page.locator("dialog.prose-editor-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Image URL").fill(figure_address)
    dialog.get_by_label("Alternative Text").fill(IN_BODY["alt"])
    dialog.get_by_role("button", name="Insert").click()
    expect(dialog).to_have_count(0)
    expect(editor.locator("figure img")).to_have_attribute("src", figure_address)


def choose_autocomplete(page, field, search, option_text):
    """Pick an entry in one of the admin's autocomplete (select2) boxes."""
    page.locator(f".field-{field} .select2-selection").click()
    search_box = page.locator(".select2-container--open .select2-search__field")
    search_box.press_sequentially(search)
    page.locator(".select2-results__option", has_text=option_text).first.click()


@pytest.mark.browser
def test_editor_publishes_a_statement_a_visitor_reads_it(browsing, editor_account, tmp_path):
    staff = browsing.new_page("editor")
    admin_login(staff, editor_account)

    # Image library: the featured image and the one placed in the body.
    featured_path = jpeg_file(river_photo(), tmp_path / "bank.jpg")
    in_body_path = jpeg_file(workshop_photo(), tmp_path / "plan.jpg")
    upload_image(staff, featured_path, FEATURED)
    figure_address = upload_image(staff, in_body_path, IN_BODY)

    # The statement.
    staff.goto("/admin/statements/statement/add/")
    staff.get_by_label("Title").press_sequentially(TITLE)
    expect(staff.get_by_label("Slug")).to_have_value(SLUG)
    for name, url in ORGANIZATIONS:
        add_related_in_popup(staff, "add_id_organizations", fill_organization(name, url))
    chosen = staff.locator(".field-organizations .select2-selection__choice")
    expect(chosen).to_have_count(2)
    staff.get_by_label("Date of the statement").fill("2024-03-08")
    staff.get_by_label("Summary").fill(SUMMARY)
    type_body(staff, figure_address)
    add_related_in_popup(staff, "add_id_topics", fill_topic(TOPIC))
    expect(staff.locator(".field-topics .select2-selection__choice")).to_have_count(1)
    choose_autocomplete(staff, "featured_image", "crowd", FEATURED["caption"])

    staff.get_by_role("button", name="Add another Editor's note").click()
    staff.locator("#id_editor_notes-0-text").fill(NOTE)
    staff.get_by_label("Originally published by").fill(SOURCE[0])
    staff.get_by_label("Original URL").fill(SOURCE[1])
    expect(staff.get_by_label("Status")).to_have_value("draft")
    staff.get_by_role("button", name="Save and continue editing").click()
    expect(staff.locator(".messagelist")).to_contain_text("was added successfully")

    # Preview: the draft at its public address, for staff only.
    statement_path = f"/statements/{SLUG}/"
    staff.get_by_role("link", name="View on site").click()
    expect(staff).to_have_url(f"{browsing.base_url}{statement_path}")
    expect(staff.locator(".preview-banner")).to_contain_text("Preview")
    expect(staff.locator("h1")).to_have_text(TITLE)
    stranger = browsing.new_page("visitor")
    assert stranger.goto(statement_path).status == 404

    # Publish.
    staff.go_back()
    staff.get_by_label("Status").select_option("published")
    staff.get_by_role("button", name="Save", exact=True).click()
    expect(staff.locator(".messagelist")).to_contain_text("was changed successfully")

    # A visitor, in a browser of their own, finds it everywhere.
    visitor = browsing.new_page("visitor")
    visitor.goto("/")
    visitor.get_by_role("link", name=TITLE).click()
    expect(visitor).to_have_url(f"{browsing.base_url}{statement_path}")

    visitor.get_by_role("searchbox", name="Search statements").fill("dredging")
    visitor.keyboard.press("Enter")
    expect(visitor.locator("main")).to_contain_text("1 statement found")
    expect(visitor.get_by_role("link", name=TITLE)).to_be_visible()

    feed = visitor.goto("/feed/atom/")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    feed_text = feed.text()
    assert f"<title>{TITLE}</title>" in feed_text
    assert f"{statement_path}</id>" in feed_text or statement_path in feed_text

    visitor.goto(statement_path)
    visitor.get_by_role("link", name=TOPIC).click()
    expect(visitor.locator("h1")).to_have_text(f"Topic: {TOPIC}")
    visitor.get_by_role("link", name=TITLE).click()

    # Every part of the page.
    expect(visitor.locator(".preview-banner")).to_have_count(0)
    expect(visitor.locator("h1")).to_have_text(TITLE)
    expect(visitor.locator(".statement__header .byline")).to_have_text(
        "Statement by Delta Fishers’ Union and River Rights Coalition, March 8, 2024"
    )
    note = visitor.locator(".editor-note")
    expect(note).to_have_count(1)
    assert visible_text(visitor, ".editor-note").endswith(f"{NOTE} [jb]")
    body = visitor.locator(".statement__body")
    expect(body).to_contain_text(PARAGRAPHS[0])
    expect(body.locator("strong")).to_have_text("Withdraw the permit.")
    figure = body.locator("figure")
    expect(figure.locator("img")).to_have_attribute("alt", IN_BODY["alt"])
    expect(figure.locator(".figure__caption")).to_have_text(IN_BODY["caption"])
    expect(figure.locator(".figure__credit")).to_have_text(IN_BODY["credit"])
    assert figure.locator("img").evaluate(LOADED_FROM_THE_SITE)
    featured = visitor.locator(".figure--featured img")
    expect(featured).to_have_attribute("alt", FEATURED["alt"])
    assert featured.evaluate(LOADED_FROM_THE_SITE)
    expect(visitor.locator(".featured-credit")).to_have_text(
        f"*Featured Image: Credit ~{FEATURED['credit']}"
    )
    source = visitor.locator(".source")
    expect(source).to_have_text(f"Originally published by {SOURCE[0]}")
    expect(source.get_by_role("link")).to_have_attribute("href", SOURCE[1])
    expect(visitor.locator("link[rel=canonical]")).to_have_attribute("href", SOURCE[1])

    page_url = quote(f"{browsing.base_url}{statement_path}", safe="")
    share = visitor.locator(".share")
    for label in SHARE_LABELS:
        link = share.get_by_role("link", name=label, exact=True)
        expect(link).to_be_visible()
        assert page_url in link.get_attribute("href"), label
    expect(share.get_by_label("Link to this statement")).to_have_value(
        f"{browsing.base_url}{statement_path}"
    )
    assert not browsing.foreign_requests(labels={"visitor"})


def test_copy_link_shows_only_with_javascript_and_copies(browsing, discussed_statement):
    # Without JavaScript the button could do nothing: the address field is the way.
    plain = browsing.new_page("visitor", java_script_enabled=False)
    plain.goto(discussed_statement.url)
    expect(plain.get_by_label("Link to this statement")).to_be_visible()
    expect(plain.locator(".share__copy")).to_be_hidden()

    scripted = browsing.new_page("visitor", permissions=["clipboard-read", "clipboard-write"])
    scripted.goto(discussed_statement.url)
    button = scripted.get_by_role("button", name="Copy link")
    expect(button).to_be_visible()
    button.click()
    expect(scripted.locator(".share__copy")).to_have_text("Link copied")
    assert scripted.evaluate("navigator.clipboard.readText()") == (
        f"{browsing.base_url}{discussed_statement.url}"
    )
