"""An editor makes the site the organization's own in the admin and sees it on the site.

Name, logo (uploaded through the library's path) and accent colour, in Chromium: a
colour too light to read is refused with its reason and what was typed kept; the
accepted ones show on the public pages at once, axe-clean and without sideways
scrolling on a phone; the favicon is made from the logo.
"""

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from branding.models import SiteSettings
from tests.browser.support import PHONE, admin_login, axe_violations, screenshot

pytestmark = pytest.mark.browser

NAME = "Río Verde Coalition"
GREEN = "#0b5d1e"


def logo_file(path):
    """A wide logo, as organizations have: a green mark and a band for the wordmark."""
    logo = Image.new("RGB", (480, 120), "white")
    draw = ImageDraw.Draw(logo)
    draw.ellipse((10, 10, 110, 110), fill=(11, 93, 30))
    draw.rectangle((130, 45, 460, 75), fill=(20, 20, 23))
    logo.save(path, "PNG")
    return path


def background_of(page, selector):
    return page.locator(selector).first.evaluate("el => getComputedStyle(el).backgroundColor")


def test_an_editor_sets_name_logo_and_colour_and_sees_them_on_the_site(
    browsing, demo_site, editor_account, tmp_path
):
    page = browsing.new_page("editor")
    admin_login(page, editor_account)
    page.goto("/admin/branding/sitesettings/")  # the one row opens directly
    page.get_by_label("Site name").fill(NAME)
    page.get_by_label("Accent colour").fill("#ffcc00")
    page.get_by_role("button", name="Save", exact=True).click()
    error = page.locator(".errorlist")
    expect(error).to_contain_text("too light to read")
    expect(error).to_contain_text("4.5:1")
    expect(page.get_by_label("Site name")).to_have_value(NAME)  # what was typed is kept
    expect(page.get_by_label("Accent colour")).to_have_value("#ffcc00")
    assert not SiteSettings.objects.filter(name=NAME).exists()  # nothing stored

    page.get_by_label("Accent colour").fill(GREEN)
    page.get_by_label("or upload a new logo").set_input_files(logo_file(tmp_path / "logo.png"))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("successfully")
    settings_row = SiteSettings.objects.get()
    assert (settings_row.name, settings_row.accent) == (NAME, GREEN)
    assert settings_row.logo is not None and settings_row.logo.alt_text == NAME

    visitor = browsing.new_page("visitor")
    visitor.goto("/")
    logo = visitor.locator("header img.site-logo")
    expect(logo).to_be_visible()
    expect(logo).to_have_attribute("alt", NAME)
    assert logo.evaluate("img => img.complete && img.naturalWidth > 0")
    expect(visitor).to_have_title(f"{NAME}")
    assert background_of(visitor, "button[type=submit]") == "rgb(11, 93, 30)"
    icon = visitor.locator("link[rel=icon]").first.get_attribute("href")
    favicon = visitor.request.get(icon)
    assert favicon.status == 200 and favicon.headers["content-type"].startswith("image/")
    violations = axe_violations(visitor, "home with the organization's logo and colour")
    screenshot(visitor, "branding-home-desktop")

    visitor.goto(demo_site.url)
    expect(visitor.locator("header img.site-logo")).to_be_visible()
    violations += axe_violations(visitor, "statement with the organization's logo and colour")

    phone = browsing.new_page("phone", viewport=PHONE, is_mobile=True, has_touch=True)
    phone.goto("/")
    expect(phone.locator("header img.site-logo")).to_be_visible()
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{width} px wide on a {PHONE['width']} px phone"
    screenshot(phone, "branding-home-phone")
    assert not violations, "\n".join(violations)
