"""Comments on the statement page: order, threads, the count, escaping and the query budget."""

import importlib
import re
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps as django_apps
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments import moderation, notifications
from comments.models import Comment
from comments.moderation import refresh_comment_counts
from comments.text import comment_text
from tests import factories, pages

from .conftest import (
    assert_typed_text_kept,
    comment_data,
    fetch_question,
    form_values,
    make_comment,
    post_comment,
    post_url,
)

pytestmark = pytest.mark.django_db


class _Thread(HTMLParser):
    """The comment list as a tree of comment ids, read from the nesting of <li>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.roots = []
        self._stack = []  # (id or None, children) for every open <li>

    def handle_starttag(self, tag, attrs):
        if tag != "li":
            return
        match = re.fullmatch(r"comment-(\d+)", dict(attrs).get("id") or "")
        node = (int(match[1]), []) if match else None
        if node:
            parents = [n for n in self._stack if n]
            (parents[-1][1] if parents else self.roots).append(node)
        self._stack.append(node)

    def handle_endtag(self, tag):
        if tag == "li":
            self._stack.pop()


def thread_of(html):
    reader = _Thread()
    reader.feed(html if isinstance(html, str) else html.decode())
    return reader.roots


def comment_html(html, comment):
    """The <article> of one comment."""
    html = html if isinstance(html, str) else html.decode()
    match = re.search(rf'<li[^>]*id="comment-{comment.pk}".*?</article>', html, re.S)
    assert match, f"comment {comment.pk} is not on the page"
    return match[0]


def page(statement, client=None):
    response = (client or Client()).get(statement.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


# -- order and threads -------------------------------------------------------------


def test_approved_comments_oldest_first(statement):
    newer = make_comment(statement, body="Written second.")
    older = make_comment(statement, body="Written first.")
    Comment.objects.filter(pk=older.pk).update(created_at=newer.created_at - timedelta(hours=1))
    make_comment(statement, status=Comment.Status.PENDING, body="Not yet approved.")
    make_comment(statement, status=Comment.Status.SPAM, body="Spam words.")
    make_comment(statement, status=Comment.Status.REMOVED, body="Removed words.")
    html = page(statement)
    assert thread_of(html) == [(older.pk, []), (newer.pk, [])]
    pages.assert_in_order(pages.main_text(html), ["Written first.", "Written second."])
    for hidden in ("Not yet approved.", "Spam words.", "Removed words."):
        assert hidden not in html


def test_replies_nest_under_their_parents(statement):
    first = make_comment(statement, body="First.")
    second = make_comment(statement, body="Second.")
    reply = make_comment(statement, parent=first, body="Reply to first.")
    reply_to_reply = make_comment(statement, parent=reply, body="Reply to the reply.")
    later_reply = make_comment(statement, parent=first, body="Another reply to first.")
    assert thread_of(page(statement)) == [
        (first.pk, [(reply.pk, [(reply_to_reply.pk, [])]), (later_reply.pk, [])]),
        (second.pk, []),
    ]


def test_a_reply_whose_parent_left_the_page_is_not_lost(statement):
    parent = make_comment(statement, body="Removed later.")
    reply = make_comment(statement, parent=parent, body="The reply stays.")
    moderation.remove(Comment.objects.filter(pk=parent.pk))
    html = page(statement)
    assert thread_of(html) == [(reply.pk, [])]
    assert "Removed later." not in html


def test_a_visitors_pending_reply_shows_under_its_parent_for_them_only(client, statement):
    parent = make_comment(statement, name="Amara", body="Parent words.")
    response = post_comment(client, statement, parent=str(parent.pk), body="My pending reply.")
    assert response.status_code == 303
    mine = Comment.objects.get(body="My pending reply.")
    html = page(statement, client)
    assert thread_of(html) == [(parent.pk, [(mine.pk, [])])]
    article = comment_html(html, mine)
    assert "Your comment is awaiting moderation." in article
    assert 'class="comment comment--pending"' in html
    assert thread_of(page(statement)) == [(parent.pk, [])]


def test_reply_link_prefills_the_reply_target(client, statement):
    parent = make_comment(statement, name="Amara Okafor", body="Parent words.")
    html = page(statement)
    link = re.search(r'<a href="([^"]*)"[^>]*>Reply</a>', comment_html(html, parent))[1]
    assert link.endswith(f"?replytocom={parent.pk}#respond")
    assert 'aria-label="Reply to Amara Okafor"' in comment_html(html, parent)

    target = urljoin(f"http://testserver{statement.get_absolute_url()}", link)
    response = client.get(target)
    assert form_values(response)["parent"] == str(parent.pk)
    text = pages.main_text(response.content)
    assert "Replying to Amara Okafor." in text
    assert "Cancel reply" in text

    question = fetch_question(client)
    data = comment_data(question, parent=form_values(response)["parent"])
    assert client.post(post_url(statement), data).status_code == 303
    assert Comment.objects.get(parent=parent).body == data["body"]


def test_reply_link_still_leads_to_the_statement_after_a_failed_post(client, statement):
    """The failed post's page is served at the post URL; its links must not lead there."""
    parent = make_comment(statement)
    response = post_comment(client, statement, name="")
    assert response.status_code == 400
    link = re.search(r'<a href="([^"]*)"[^>]*>Reply</a>', comment_html(response.content, parent))[
        1
    ]
    target = urljoin("http://testserver" + post_url(statement), link)
    assert urlsplit(target).path == statement.get_absolute_url()
    followed = client.get(target)
    assert followed.status_code == 200
    assert form_values(followed)["parent"] == str(parent.pk)


@pytest.mark.parametrize("value", ["abc", "99999999", "-1", "1" * 30])
def test_odd_reply_targets_in_the_address_are_harmless(client, statement, value):
    response = client.get(f"{statement.get_absolute_url()}?replytocom={value}")
    assert response.status_code == 200
    assert "Replying to" not in response.content.decode()


def test_depth_limit(client, statement, settings):
    settings.COMMENTS_MAX_DEPTH = 3
    top = make_comment(statement, body="Depth one.")
    middle = make_comment(statement, parent=top, body="Depth two.")
    bottom = make_comment(statement, parent=middle, body="Depth three.")
    html = page(statement)
    assert ">Reply</a>" in comment_html(html, top)
    assert ">Reply</a>" in comment_html(html, middle)
    assert ">Reply</a>" not in comment_html(html, bottom)

    data = comment_data(fetch_question(client), parent=str(bottom.pk), body="Depth four?")
    response = client.post(post_url(statement), data)
    assert response.status_code == 400
    assert "Replies cannot be nested deeper here." in pages.main_text(response.content)
    assert_typed_text_kept(response, data)
    assert not Comment.objects.filter(body="Depth four?").exists()

    ok = post_comment(client, statement, parent=str(middle.pk), body="Depth three, allowed.")
    assert ok.status_code == 303


def test_depth_one_means_no_replies(client, statement, settings):
    settings.COMMENTS_MAX_DEPTH = 1
    top = make_comment(statement)
    assert ">Reply</a>" not in page(statement)
    assert post_comment(client, statement, parent=str(top.pk)).status_code == 400
    assert Comment.objects.count() == 1


def test_replies_only_to_approved_comments_of_this_statement(client, statement):
    pending = make_comment(statement, status=Comment.Status.PENDING)
    elsewhere = make_comment(factories.make_published("Other statement"))
    for parent in (pending, elsewhere):
        assert post_comment(client, statement, parent=str(parent.pk)).status_code == 400
    assert Comment.objects.count() == 2


def test_no_reply_links_on_a_closed_statement(statement):
    make_comment(statement)
    statement.comments_open = False
    statement.save()
    assert ">Reply</a>" not in page(statement)


# -- the count -------------------------------------------------------------------------


def heading(html):
    return re.search(r'<h2 id="comments-heading"[^>]*>([^<]*)</h2>', html)[1]


def test_the_count_says_how_many_approved_comments(statement):
    assert heading(page(statement)) == "No responses yet"
    first = make_comment(statement)
    assert heading(page(statement)) == "1 Response"
    make_comment(statement, parent=first)
    for status in (Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.REMOVED):
        make_comment(statement, status=status)
    assert heading(page(statement)) == "2 Responses"


def test_the_count_follows_moderation(statement):
    waiting = make_comment(statement, status=Comment.Status.PENDING)
    moderation.approve(Comment.objects.filter(pk=waiting.pk))
    assert heading(page(statement)) == "1 Response"
    moderation.mark_spam(Comment.objects.filter(pk=waiting.pk))
    assert heading(page(statement)) == "No responses yet"


def test_a_visitors_own_pending_comment_is_not_under_no_responses_yet(client, statement):
    # The visitor just posted: their comment is listed for them, awaiting moderation.
    response = post_comment(client, statement)
    assert response.status_code == 303
    html = page(statement, client)
    assert "awaiting moderation" in html
    assert heading(html) == "Your comment"
    assert "No responses yet" not in html
    # Everyone else still sees an empty discussion.
    assert heading(page(statement)) == "No responses yet"


def test_the_count_shows_in_lists(statement):
    make_comment(statement)
    make_comment(statement)
    make_comment(statement, status=Comment.Status.PENDING)
    home = pages.main_text(Client().get(reverse("statements:home")).content)
    assert "2 Responses" in home


# -- how a comment looks -----------------------------------------------------------------


@pytest.mark.parametrize("website", ["https://amara.example/blog", "http://amara.example"])
def test_website_links_the_name_without_passing_credit(statement, website):
    comment = make_comment(statement, name="Amara", website=website)
    article = comment_html(page(statement), comment)
    assert f'<a href="{website}" rel="nofollow ugc noopener">Amara</a>' in article


@pytest.mark.parametrize(
    "website",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://amara.example",
        "//amara.example",
    ],
)
def test_a_website_that_is_not_http_is_never_a_link(statement, website):
    """Stored by an import or the shell, past the form's check: still no link."""
    comment = make_comment(statement, name="Amara", website=website)
    article = comment_html(page(statement), comment)
    assert "Amara" in article
    author = re.search(r'<span class="comment__author"[^>]*>(.*?)</span>', article, re.S)[1]
    assert "<a " not in author
    assert "javascript" not in article.lower()


def test_body_is_escaped_text_with_paragraphs_and_safe_links(statement):
    body = (
        "<script>alert('x')</script> and <b>bold</b> & \"quotes\"\n"
        "next line\n\n"
        "See https://example.org/report?id=1&x=2 and www.example.net.\n\n"
        'javascript:alert(1) and <a href="https://evil.example">click</a>\n\n'
        'https://example.org/"onmouseover="alert(1)'
    )
    comment = make_comment(statement, body=body)
    html = comment_html(page(statement), comment)
    inner = re.search(r'<div class="comment__body">(.*?)</div>', html, re.S)[1]
    assert "<script" not in inner and "<b>" not in inner
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in inner
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quotes&quot;" in inner
    assert inner.count("<p>") == 4
    assert "<br>" in inner
    assert (
        '<a href="https://example.org/report?id=1&amp;x=2" rel="nofollow ugc noopener">' in inner
    )
    assert '<a href="http://www.example.net" rel="nofollow ugc noopener">' in inner
    # Typed HTML is text; only the address in it is linked, as any address would be.
    assert "&lt;a href=&quot;" in inner and "&gt;click&lt;/a&gt;" in inner
    assert ">click</a>" not in inner
    assert 'href="javascript' not in inner
    assert "&quot;onmouseover=&quot;alert(1)" in inner
    assert not [tag for tag in re.findall(r"<[^>]+>", inner) if "onmouseover" in tag]
    links = re.findall(r"<a [^>]*>", inner)
    assert links and all('rel="nofollow ugc noopener"' in a for a in links)


def test_name_is_escaped(statement):
    comment = make_comment(statement, name='<img src=x onerror="alert(1)">')
    html = comment_html(page(statement), comment)
    assert "<img" not in html
    # Shown as the text it is (Jinja2 writes the quotes as &#34;, Django as &quot;).
    assert re.search(r"&lt;img src=x onerror=(&quot;|&#34;)alert\(1\)(&quot;|&#34;)&gt;", html)


def test_quotes_in_a_website_or_name_stay_inside_their_attribute(statement):
    comment = make_comment(
        statement,
        name='Amara" onfocus="alert(1)',
        website='https://amara.example/"onmouseover="alert(1)',
    )
    article = comment_html(page(statement), comment)
    attributes = [name for _, attrs in pages.elements(article) for name in attrs]
    assert "href" in attributes and "aria-label" in attributes
    assert not [name for name in attributes if name.startswith("on")]
    # Each whole value, quotes and all, stays inside its attribute.
    assert {
        "href": 'https://amara.example/"onmouseover="alert(1)',
        "rel": "nofollow ugc noopener",
    } in [attrs for _, attrs in pages.elements(article, "a")]
    assert pages.attrs_of(article, "a", **{"aria-label": 'Reply to Amara" onfocus="alert(1)'})


def test_a_chain_of_replies_deeper_than_any_form_allows_still_shows(statement):
    """Imported threads can nest past COMMENTS_MAX_DEPTH (and past Python's recursion limit)."""
    parent = None
    for number in range(1100):
        parent = Comment.objects.create(
            statement=statement,
            parent=parent,
            status=Comment.Status.APPROVED,
            name=f"Commenter {number}",
            email="chain@example.com",
            body=f"Reply {number}.",
        )
    refresh_comment_counts([statement.pk])
    html = page(statement)
    assert html.count('class="comment"') == 1100
    assert "Reply 1099." in html
    node, depth = thread_of(html), 0
    while node:
        node, depth = node[0][1], depth + 1
    assert depth == 1100


def test_each_comment_shows_its_date(statement):
    comment = make_comment(statement)
    article = comment_html(page(statement), comment)
    stamp = re.search(r'<time datetime="([^"]+)">([^<]+)</time>', article)
    assert datetime.fromisoformat(stamp[1]) == comment.created_at
    assert stamp[2].startswith(comment.created_at.strftime("%B"))


# -- no template may trust a commenter's words ---------------------------------------------

# The moderators' digest is a text/plain mail: HTML escaping would garble it.
PLAIN_TEXT_MAILS = {"comments/email/moderation_digest.txt"}
COMMENTER_FIELD = re.compile(r"\b(?:comment|reply_to|c)\.(?:name|body|email|website)\b")


def unsafe_uses(name, source):
    """Places where `source` would print a commenter's words without escaping."""
    found = []
    for tag in re.findall(r"\{\{.*?\}\}", source, re.S):
        if COMMENTER_FIELD.search(tag) and re.search(r"\|\s*safe(seq)?\b", tag):
            found.append(f"{name}: {tag}")
    unescaped = re.findall(
        r"\{%\s*autoescape\s+off\s*%\}(.*?)\{%\s*endautoescape\s*%\}", source, re.S
    )
    if any(COMMENTER_FIELD.search(block) for block in unescaped) and name not in PLAIN_TEXT_MAILS:
        found.append(f"{name}: autoescape off")
    return found


def test_the_scan_finds_what_it_looks_for():
    assert unsafe_uses("x.html", "<p>{{ comment.body|safe }}</p>")
    assert unsafe_uses("x.html", "{{ comment.name | safe }}")
    assert unsafe_uses("x.html", "{% autoescape off %}{{ comment.website }}{% endautoescape %}")
    assert not unsafe_uses("x.html", "{{ comment.body|comment_text }}")
    assert not unsafe_uses(
        "comments/email/moderation_digest.txt",
        "{% autoescape off %}{{ comment.body }}{% endautoescape %}",
    )


def test_no_template_prints_commenter_fields_unescaped():
    template_root = Path(django_settings.BASE_DIR) / "templates"
    templates = [p for p in template_root.rglob("*") if p.suffix in {".html", ".txt", ".xml"}]
    assert any(p.name == "comment_section.html" for p in templates)
    offenders = []
    for path in templates:
        offenders += unsafe_uses(path.relative_to(template_root).as_posix(), path.read_text())
    assert offenders == []


def test_the_unescaped_mail_is_sent_as_plain_text_only(statement, moderator):
    make_comment(statement, status=Comment.Status.PENDING, body="<b>not bold</b> & more")
    assert notifications.send_digest() == 1
    message = mail.outbox[0]
    assert message.content_subtype == "plain"
    assert getattr(message, "alternatives", []) == []
    assert "<b>not bold</b> & more" in message.body


# -- a fixed number of queries --------------------------------------------------------------


def add_comments(statement, count):
    """`count` approved comments: a third top level, the rest replies two deep."""
    rows = []
    for i in range(count):
        rows.append(
            Comment(
                statement=statement,
                name=f"Commenter {i}",
                email=f"c{i}@example.com",
                website=f"https://c{i}.example" if i % 2 else "",
                body=f"Comment {i} with a link https://example.org/{i}\n\nand a paragraph.",
                status=Comment.Status.APPROVED,
                fingerprint=str(i),
            )
        )
    Comment.objects.bulk_create(rows)
    stored = list(Comment.objects.filter(statement=statement).order_by("pk"))
    for i, comment in enumerate(stored):
        if i % 3 == 1:
            comment.parent = stored[i - 1]
        elif i % 3 == 2:
            comment.parent = stored[i - 1]
    Comment.objects.bulk_update(stored, ["parent"])
    moderation.refresh_comment_counts([statement.pk])


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def test_statement_page_queries_do_not_grow_with_comments(
    client, statement, django_assert_max_num_queries
):
    empty = factories.make_published("No comments here")
    budget, _ = count_queries(Client(), empty.get_absolute_url())

    add_comments(statement, 200)
    with django_assert_max_num_queries(budget):
        response = Client().get(statement.get_absolute_url())
    html = response.content.decode()
    assert heading(html) == "200 Responses"
    assert html.count('class="comment"') + html.count('class="comment comment--pending"') == 200
    assert len(thread_of(html)) == 67  # top-level comments; the rest nested


def test_a_visitors_own_pending_comments_cost_no_extra_queries(
    client, statement, django_assert_max_num_queries, settings
):
    settings.COMMENTS_RATE_LIMIT = 100
    add_comments(statement, 30)
    assert post_comment(client, statement, body="My own one.").status_code == 303
    budget, _ = count_queries(client, statement.get_absolute_url())
    for i in range(5):
        assert post_comment(client, statement, body=f"Mine, number {i}.").status_code == 303
    with django_assert_max_num_queries(budget):
        response = client.get(statement.get_absolute_url())
    assert response.content.decode().count("Your comment is awaiting moderation. Only you") == 6


# -- the body is rendered once, when saved ---------------------------------------------


def test_the_body_is_rendered_when_saved_and_again_when_edited(statement):
    comment = make_comment(statement, body="First words, see https://example.org")
    assert comment.body_html == comment_text(comment.body)
    assert 'href="https://example.org"' in Comment.objects.get(pk=comment.pk).body_html

    comment.body = "Edited <b>words</b>"
    comment.save(update_fields=["body"])
    stored = Comment.objects.get(pk=comment.pk)
    assert stored.body_html == "<p>Edited &lt;b&gt;words&lt;/b&gt;</p>"
    assert stored.fingerprint == Comment.make_fingerprint(statement.pk, stored.email, stored.body)
    assert "Edited &lt;b&gt;words&lt;/b&gt;" in comment_html(page(statement), comment)
    assert "First words" not in page(statement)


def test_a_comment_stored_without_its_rendered_body_still_shows_its_words(statement):
    """Rows stored in bulk (an import) skip save(): the thread renders them itself."""
    (comment,) = Comment.objects.bulk_create(
        [
            Comment(
                statement=statement,
                name="Imported",
                email="imported@example.org",
                body="Imported <i>words</i>\n\nSecond paragraph",
                status=Comment.Status.APPROVED,
            )
        ]
    )
    assert Comment.objects.get(pk=comment.pk).body_html == ""
    body = re.search(
        r'<div class="comment__body">(.*?)</div>', comment_html(page(statement), comment), re.S
    )
    assert body[1] == "<p>Imported &lt;i&gt;words&lt;/i&gt;</p>\n\n<p>Second paragraph</p>"


def test_the_migration_renders_the_bodies_of_comments_stored_before_it(statement):
    migration = importlib.import_module("comments.migrations.0005_fill_comment_body_html")
    old = make_comment(statement, body="Stored before, see www.example.net")
    Comment.objects.filter(pk=old.pk).update(body_html="")
    migration.render_bodies(django_apps, None)
    assert Comment.objects.get(pk=old.pk).body_html == comment_text(old.body)
