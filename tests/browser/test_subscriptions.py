"""The subscription pages in a real browser: without JavaScript, axe-clean in light and dark,
on a phone; and the mail itself, as a mail program shows its HTML part."""

import pytest
from playwright.sync_api import expect

from subscriptions import mails
from subscriptions.models import Subscriber
from tests.browser.support import PHONE, axe_violations, screenshot

pytestmark = pytest.mark.browser


def confirmation_path(subscriber):
    return mails.confirm_url(subscriber).split("testserver", 1)[-1]


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = "http://testserver"


def subscribe_confirm_and_leave(page, site, check):
    """The whole path of a reader, calling check(label) on every page it shows."""
    page.goto(site.topic.get_absolute_url())
    box = page.locator(".subscribe-box")
    expect(box).to_be_visible()
    check("topic page")
    box.get_by_label("Email").fill("rosa@example.net")
    box.get_by_label("A daily digest").check()
    box.get_by_role("button", name="Subscribe").click()
    expect(page.locator("h1")).to_have_text("Check your inbox")
    check("sent")
    subscriber = Subscriber.objects.get()
    assert subscriber.frequency == "daily"
    assert subscriber.scope == "all"

    # The form's errors, on its own page, with what was chosen kept.
    page.goto("/subscribe/")
    page.get_by_label("Email").fill("not an address")
    page.get_by_label("Chosen topics and organizations").check()
    page.get_by_role("button", name="Subscribe").click()
    expect(page.locator("#subscribe-errors")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value("not an address")
    expect(page.get_by_label("Chosen topics and organizations")).to_be_checked()
    check("subscribe with errors")

    page.goto(confirmation_path(subscriber))
    check("confirm")
    page.get_by_role("button", name="Yes, subscribe me").click()
    expect(page.locator("h1")).to_have_text("You are subscribed")
    check("confirmed")
    page.get_by_role("link", name="Change what you receive").click()
    expect(page.locator("h1")).to_have_text("Your subscription")
    check("preferences")
    page.get_by_role("button", name="Unsubscribe from everything").click()
    expect(page.locator("h1")).to_have_text("You are unsubscribed")
    check("unsubscribed")
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.UNSUBSCRIBED
    page.goto(mails.unsubscribe_url(subscriber).split("testserver", 1)[-1])
    check("unsubscribe")
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.UNSUBSCRIBED
    return subscriber


def test_a_reader_subscribes_confirms_and_leaves_without_javascript(browsing, demo_site, site_url):
    page = browsing.new_page("reader", java_script_enabled=False)
    subscribe_confirm_and_leave(page, demo_site, lambda label: None)
    assert browsing.foreign_requests() == []


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_every_subscription_page_is_axe_clean(browsing, demo_site, color_scheme, site_url):
    page = browsing.new_page("reader", color_scheme=color_scheme)
    violations = []

    def check(label):
        violations.extend(axe_violations(page, label))
        if label == "preferences":
            screenshot(page, f"subscriptions-preferences-{color_scheme}")

    subscribe_confirm_and_leave(page, demo_site, check)
    assert violations == [], "\n".join(violations)
    assert browsing.foreign_requests() == []


def test_the_box_on_a_phone(browsing, demo_site):
    page = browsing.new_page("reader", viewport=PHONE)
    page.goto(demo_site.url)
    box = page.locator(".subscribe-box")
    box.scroll_into_view_if_needed()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]  # nothing wider than the phone
    path = screenshot(page, "subscriptions-box-phone")
    assert path.exists()
    box.screenshot(path=str(path.with_name("subscriptions-box-phone-crop.png")))


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_mail_reads_on_a_phone_in_light_and_dark(
    browsing, demo_site, color_scheme, settings, live_server
):
    settings.SITE_URL = live_server.url  # the mail's images load from the site itself
    settings.SUBSCRIPTIONS_MAIL_CONTENT = "full"
    subscriber = Subscriber.objects.create(email="rosa@example.net", state="confirmed")
    statement = demo_site.statement
    subject, text, html = mails.statement_mail(statement)
    text, html, _unsubscribe = mails.personalize(text, html, subscriber)
    page = browsing.new_page("mail program", viewport=PHONE, color_scheme=color_scheme)
    page.set_content(html, wait_until="load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    body = page.locator("body")
    expect(body).to_contain_text(statement.title)
    if statement.featured_image and statement.featured_image.credit:
        expect(body).to_contain_text(statement.featured_image.credit)
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert (background == "rgb(20, 20, 23)") == (color_scheme == "dark")
    violations = axe_violations(page, f"mail ({color_scheme})")
    assert violations == [], "\n".join(violations)
    screenshot(page, f"subscriptions-mail-phone-{color_scheme}")
