"""Flows 2–4: a visitor comments, a moderator approves, and all of it with the keyboard alone."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import admin_login, question_key, stored_answer, wrong_answer

BODY = (
    "Our well ran dry in August — for 23 days.\n"
    "We walked 4 km each way, twice a day.\n\n"
    "Please don’t let the board say “next year” again. <b>Not HTML</b> & 100 % true."
)
NAME = "Rosa Quintero-Valdés"
EMAIL = "rosa.q@example.net"
WEBSITE = "https://rosa.example.net/notes?from=delta&year=2024"


def form(page):
    return page.locator("form.comment-form")


def fill_comment(page, *, body=BODY, name=NAME, email=EMAIL, website=WEBSITE):
    """Type into each field as a visitor does (the first focus fetches the question)."""
    form(page).get_by_label("Comment").press_sequentially(body)
    form(page).get_by_label("Name").press_sequentially(name)
    form(page).get_by_role("textbox", name="Email").press_sequentially(email)
    if website:
        form(page).get_by_label("Website").press_sequentially(website)


def answer_and_post(page, answer):
    form(page).get_by_label("Solve :").press_sequentially(answer)
    page.get_by_role("button", name="Post Comment").click()
    page.wait_for_load_state()


def post_comment(page, body, name=NAME, email=EMAIL):
    """A whole comment, answered right; returns once the page is back."""
    fill_comment(page, body=body, name=name, email=email, website="")
    answer_and_post(page, stored_answer(question_key(page)))
    expect(page.locator(".messages")).to_contain_text("Your comment is awaiting moderation.")


def comment_item(page, text):
    return page.locator("li.comment", has=page.locator(".comment__body", has_text=text))


def comment_heading(page):
    return page.locator("#comments-heading")


@pytest.mark.browser
def test_wrong_answer_keeps_the_text_right_answer_awaits_moderation_for_this_visitor_only(
    browsing, discussed_statement
):
    visitor = browsing.new_page("visitor")
    visitor.goto(discussed_statement.url)
    fill_comment(visitor)
    first_key = question_key(visitor)
    first_question = form(visitor).locator("[data-question-text]").inner_text()
    assert re.fullmatch(r"\d+ [+\u2212\u00d7\u2044] \d+ =", first_question), first_question

    answer_and_post(visitor, wrong_answer(first_key))

    # The same statement, at the form, with every character kept and a new question.
    expect(visitor.locator("h1")).to_have_text(discussed_statement.statement.title)
    summary = visitor.locator("#comment-errors")
    expect(summary).to_contain_text("That answer was not right")
    expect(summary).to_be_focused()
    expect(form(visitor).get_by_label("Comment")).to_have_value(BODY)
    expect(form(visitor).get_by_label("Name")).to_have_value(NAME)
    expect(form(visitor).get_by_role("textbox", name="Email")).to_have_value(EMAIL)
    expect(form(visitor).get_by_label("Website")).to_have_value(WEBSITE)
    expect(form(visitor).get_by_label("Solve :")).to_have_value("")
    expect(form(visitor).get_by_label("Solve :")).to_have_attribute("aria-invalid", "true")
    second_key = question_key(visitor)
    assert second_key != first_key
    expect(form(visitor).locator("[data-question-text]")).not_to_have_text("")

    answer_and_post(visitor, stored_answer(second_key))

    expect(visitor.locator(".messages")).to_contain_text("Your comment is awaiting moderation.")
    mine = comment_item(visitor, "Our well ran dry in August")
    expect(mine).to_have_count(1)
    expect(mine.locator(".comment__status")).to_contain_text("awaiting moderation")
    expect(mine.locator(".comment__author")).to_have_text(NAME)
    assert visitor.url.endswith(f"#{mine.get_attribute('id')}")
    # The text comes back as plain text, in paragraphs.
    expect(mine.locator(".comment__body p")).to_have_count(2)
    expect(mine.locator(".comment__body b")).to_have_count(0)
    expect(mine.locator(".comment__body")).to_contain_text("<b>Not HTML</b> & 100 % true.")
    expect(comment_heading(visitor)).to_have_text("1 Response")

    # Nobody else sees it.
    other = browsing.new_page("other visitor")
    other.goto(discussed_statement.url)
    expect(other.locator("li.comment")).to_have_count(1)
    expect(other.locator("main")).not_to_contain_text("Our well ran dry")
    expect(other.locator(".comment__status")).to_have_count(0)

    # A reply to the approved comment lands under it.
    approved = visitor.locator(f"#comment-{discussed_statement.comment.pk}")
    approved.get_by_role("link", name="Reply to Amara Okafor").click()
    expect(visitor.locator(".respond__replying")).to_contain_text("Replying to Amara Okafor")
    post_comment(
        visitor,
        "Congratulations! Which pump did you choose?",
        name="Ifeoma Eze",
        email="ifeoma@example.org",
    )
    reply = approved.locator(
        "ol.comment-list--replies > li.comment", has_text="Which pump did you choose?"
    )
    expect(reply).to_have_count(1)
    expect(reply.locator(".comment__status")).to_contain_text("awaiting moderation")
    expect(visitor.locator("#comments > ol.comment-list > li.comment")).to_have_count(2)
    assert not browsing.foreign_requests()


@pytest.mark.browser
def test_moderator_approves_in_bulk_and_everyone_sees_the_comment(
    browsing, discussed_statement, moderator_account
):
    url = discussed_statement.url
    author = browsing.new_page("visitor")
    author.goto(url)
    post_comment(author, "The board met us today and promised pipes by June.")
    reader = browsing.new_page("other visitor")
    reader.goto(url)
    expect(comment_heading(reader)).to_have_text("1 Response")
    expect(reader.locator("main")).not_to_contain_text("promised pipes by June")

    moderator = browsing.new_page("moderator")
    admin_login(moderator, moderator_account)
    moderator.locator("#comments-comment").get_by_role("link", name="Comments").click()
    expect(moderator.locator("#changelist-filter")).to_contain_text("Pending")
    row = moderator.locator("#result_list tbody tr", has_text="promised pipes by June")
    expect(row).to_have_count(1)
    expect(moderator.locator("#result_list tbody tr")).to_have_count(1)  # the queue: pending only
    row.get_by_role("checkbox").check()
    moderator.locator("select[name=action]").select_option(label="Approve selected comments")
    moderator.get_by_role("button", name="Go").click()
    expect(moderator.locator(".messagelist")).to_contain_text("1 comment approved.")
    expect(moderator.locator("#result_list tbody tr")).to_have_count(0)

    for page in (author, reader):
        page.reload()
        comment = comment_item(page, "promised pipes by June")
        expect(comment).to_have_count(1)
        expect(comment.locator(".comment__status")).to_have_count(0)
        expect(comment_heading(page)).to_have_text("2 Responses")

    # Moderators read statements but cannot write them.
    statement = discussed_statement.statement
    change = moderator.goto(f"/admin/statements/statement/{statement.pk}/change/")
    assert change.status == 200
    expect(moderator.locator("h1")).to_have_text("View statement")
    expect(moderator.locator("input[name=title]")).to_have_count(0)
    expect(moderator.get_by_role("button", name="Save")).to_have_count(0)
    assert moderator.goto("/admin/statements/statement/add/").status == 403
    assert not browsing.foreign_requests(labels={"visitor", "other visitor"})


def tab_to(page, matches, *, limit=80):
    """Press Tab until the focused element matches; check every stop shows its focus."""
    hidden_focus = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const el = document.activeElement;
                const style = getComputedStyle(el);
                return {
                    tag: el.tagName.toLowerCase(), name: el.getAttribute("name") || "",
                    label: (el.getAttribute("aria-label") || el.textContent || "").trim().slice(0, 40),
                    id: el.id, outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
                    visible: el.matches(":focus-visible"),
                };
            }"""
        )
        if focused["outline"] == "none" or focused["width"] < 2 or not focused["visible"]:
            hidden_focus.append(focused)
        if matches(focused):
            assert not hidden_focus, f"focus not visible on: {hidden_focus}"
            return focused
    pytest.fail(f"{limit} presses of Tab never reached the element; last: {focused}")


@pytest.mark.browser
def test_the_whole_comment_flow_with_the_keyboard_alone(browsing, discussed_statement):
    page = browsing.new_page("visitor")
    page.goto(discussed_statement.url)
    keyboard = page.keyboard

    # From the top of the page to the approved comment's Reply link, and follow it.
    tab_to(page, lambda el: el["label"] == "Reply to Amara Okafor")
    keyboard.press("Enter")
    expect(page.locator(".respond__replying")).to_contain_text("Replying to Amara Okafor")

    tab_to(page, lambda el: el["name"] == "body", limit=10)
    keyboard.type("Typed without a mouse.\nSecond line.")
    tab_to(page, lambda el: el["name"] == "name", limit=1)
    keyboard.type("Kim Keyboard")
    tab_to(page, lambda el: el["name"] == "email", limit=1)
    keyboard.type("kim@example.org")
    tab_to(page, lambda el: el["name"] == "website", limit=1)
    tab_to(page, lambda el: el["name"] == "notify_replies", limit=1)
    tab_to(page, lambda el: el["name"] == "captcha_1", limit=1)
    keyboard.type(wrong_answer(question_key(page)))
    keyboard.press("Enter")

    # The error summary takes the focus; Tab leads back to the answer box.
    expect(page.locator("#comment-errors")).to_be_focused()
    expect(form(page).get_by_label("Comment")).to_have_value(
        "Typed without a mouse.\nSecond line."
    )
    expect(page.locator(".respond__replying")).to_contain_text("Replying to Amara Okafor")
    tab_to(page, lambda el: el["name"] == "captcha_1", limit=15)
    keyboard.type(stored_answer(question_key(page)))
    keyboard.press("Enter")

    expect(page.locator(".messages")).to_contain_text("Your comment is awaiting moderation.")
    approved = page.locator(f"#comment-{discussed_statement.comment.pk}")
    expect(approved.locator(".comment-list--replies")).to_contain_text("Typed without a mouse.")
