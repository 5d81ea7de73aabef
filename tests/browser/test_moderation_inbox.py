"""A moderator approves from the mail; a comment's admin page, its buttons and a staff reply by keyboard."""

import re

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import expect

from comments.models import BlockedTerm, Comment
from tests.browser.conftest import approved_comment
from tests.browser.support import admin_login, axe_violations, screenshot
from tests.browser.test_comments import comment_item, post_comment

VISITOR_BODY = "Will the hearing on the permit be open to the public?"


def approve_link(message):
    [url] = re.findall(r"^  Approve: (\S+)$", message.body, re.MULTILINE)
    return url.removeprefix(settings.SITE_URL)


def tab_to(page, locator, limit=120):
    """Press Tab until `locator` has the focus, as a keyboard user would; fail if never."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{locator} is not reachable with Tab")


def focus_is_visible(locator):
    """The focused control shows an outline or a box shadow (WCAG 2.4.7)."""
    return locator.evaluate(
        """element => {
            const style = getComputedStyle(element);
            return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
                || style.boxShadow !== 'none';
        }"""
    )


@pytest.mark.browser
def test_a_moderator_approves_from_the_mail_and_the_comment_appears(
    browsing, discussed_statement, moderator_account
):
    visitor = browsing.new_page("visitor")
    visitor.goto(discussed_statement.url)
    post_comment(visitor, VISITOR_BODY)
    # The live server ran the moderators' mail task when the comment was committed.
    [message] = [m for m in mail.outbox if m.to == [moderator_account.email]]
    assert VISITOR_BODY in message.body

    # The moderator opens the link from their mail program: no admin login needed.
    inbox = browsing.new_page("moderator-mail")
    inbox.goto(approve_link(message))
    expect(inbox.get_by_role("heading", name="Moderate a comment")).to_be_visible()
    expect(inbox.locator("main")).to_contain_text(VISITOR_BODY)
    expect(inbox.locator("main")).to_contain_text("Status: Pending")
    violations = axe_violations(inbox, "mail link confirmation")
    screenshot(inbox, "moderation-mail-confirm")
    assert Comment.objects.get(body=VISITOR_BODY).status == Comment.Status.PENDING

    button = inbox.get_by_role("button", name="Approve")
    tab_to(inbox, button)
    assert focus_is_visible(button)
    inbox.keyboard.press("Enter")
    expect(inbox.get_by_role("status")).to_contain_text("The comment is approved and published.")
    violations += axe_violations(inbox, "mail link done")
    screenshot(inbox, "moderation-mail-done")

    inbox.get_by_role("link", name="See it on the statement’s page").click()
    expect(comment_item(inbox, VISITOR_BODY)).to_be_visible()
    expect(comment_item(inbox, VISITOR_BODY)).not_to_contain_text("awaiting moderation")
    # Any other visitor sees it too (the cached page was refreshed).
    other = browsing.new_page("other-visitor")
    other.goto(discussed_statement.url)
    expect(comment_item(other, VISITOR_BODY)).to_be_visible()

    # The link works once.
    inbox.goto(approve_link(message))
    expect(inbox.get_by_role("alert")).to_contain_text("This link was already used.")
    violations += axe_violations(inbox, "mail link used")
    screenshot(inbox, "moderation-mail-used")
    assert not violations, "\n".join(violations)


@pytest.mark.browser
def test_a_comments_admin_page_buttons_work_by_keyboard_and_are_axe_clean(
    browsing, discussed_statement, moderator_account
):
    spam = Comment.objects.create(
        statement=discussed_statement.statement,
        name="Best Deals",
        email="deals+9@mailer.example",
        website="https://www.deals.example/",
        body="Nice article. Cheap watches at https://deals.example/w",
        status=Comment.Status.PENDING,
    )
    page = browsing.new_page("moderator")
    admin_login(page, moderator_account)
    page.goto(f"/admin/comments/comment/{spam.pk}/change/")
    moderate = page.get_by_role("region", name="Moderate this comment")
    expect(moderate.get_by_role("button")).to_have_text(["Approve", "Mark as spam", "Remove"])
    violations = axe_violations(page, "comment change page")
    screenshot(page, "comment-admin-page")

    approve = moderate.get_by_role("button", name="Approve")
    tab_to(page, approve)
    assert focus_is_visible(approve)
    page.keyboard.press("Enter")
    expect(page.locator(".messagelist")).to_contain_text("The comment is approved and published.")
    moderate = page.get_by_role("region", name="Moderate this comment")
    expect(moderate.get_by_role("button")).to_have_text(["Mark as spam", "Remove"])

    # It was spam after all: marked with the keyboard, then its link's domain blocked.
    spam_button = moderate.get_by_role("button", name="Mark as spam")
    tab_to(page, spam_button)
    page.keyboard.press("Space")
    expect(page.get_by_role("heading", name="Block this spammer?")).to_be_visible()
    expect(page.get_by_role("checkbox")).to_have_count(2)
    violations += axe_violations(page, "blocklist offer")
    screenshot(page, "comment-blocklist-offer")
    domain = page.get_by_role("checkbox", name="Domain (of the email or website): deals.example")
    tab_to(page, domain)
    page.keyboard.press("Space")
    expect(domain).to_be_checked()
    submit = page.get_by_role("button", name="Add the chosen to the blocklist")
    tab_to(page, submit)
    page.keyboard.press("Enter")
    expect(page.locator(".messagelist")).to_contain_text("Added to the blocklist: deals.example.")
    assert list(BlockedTerm.objects.values_list("kind", "value")) == [("domain", "deals.example")]
    spam.refresh_from_db()
    assert spam.status == Comment.Status.SPAM
    assert not violations, "\n".join(violations)


@pytest.mark.browser
def test_a_staff_reply_typed_in_the_admin_appears_with_the_mark(
    browsing, discussed_statement, moderator_account
):
    question = approved_comment(
        discussed_statement.statement,
        name="Idris Bello",
        body="Where can I read the board's answer?",
    )
    page = browsing.new_page("moderator")
    admin_login(page, moderator_account)
    page.goto(f"/admin/comments/comment/{question.pk}/change/")
    reply_box = page.get_by_label("Your reply")
    tab_to(page, reply_box)
    page.keyboard.type("It is on our site from Monday; we will link it here.")
    publish = page.get_by_role("button", name="Publish the reply")
    tab_to(page, publish)
    page.keyboard.press("Enter")
    expect(page.locator(".messagelist")).to_contain_text("Your reply is published.")
    violations = axe_violations(page, "comment change page after a reply")

    visitor = browsing.new_page("visitor")
    visitor.goto(discussed_statement.url)
    reply = visitor.locator("li.comment--staff")
    expect(reply).to_have_count(1)
    expect(reply.locator(".comment__author")).to_have_text(settings.SITE_NAME)
    expect(reply.locator(".comment__staff")).to_have_text(re.compile("staff", re.IGNORECASE))
    # Named for screen readers with its mark, nested under the comment it answers.
    expect(visitor.get_by_role("article", name=f"{settings.SITE_NAME} Staff")).to_be_visible()
    expect(comment_item(visitor, "Where can I read")).to_contain_text("It is on our site")
    expect(reply).not_to_contain_text(moderator_account.email)
    violations += axe_violations(visitor, "statement page with a staff reply")
    reply.scroll_into_view_if_needed()
    comment_item(visitor, "Where can I read").screenshot(
        path=str(screenshot(visitor, "staff-reply-page").with_name("staff-reply.png"))
    )
    assert not violations, "\n".join(violations)
