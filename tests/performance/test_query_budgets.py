"""Query budgets that do not depend on how much content there is (issue 6)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from branding import site as branding_site
from comments.models import Comment
from comments.moderation import refresh_comment_counts
from tests import factories

pytestmark = pytest.mark.django_db

PUBLIC_BUDGET = 6
ADMIN_LIST_BUDGET = 10


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0  # measure the cold, uncached page


@pytest.fixture(autouse=True)
def _site_settings_stored(_empty_caches, db):
    """The site settings are read once after each change, then kept in the cache
    (branding.site; tests/branding/test_site_settings.py counts that one query):
    stored here, as on a running site."""
    branding_site.current()


def make_site(n_statements):
    topic = factories.make_topic("Labor")
    orgs = [factories.make_organization(f"Union {i}") for i in range(3)]
    statements = []
    for i in range(n_statements):
        statement = factories.make_statement(
            f"Statement number {i}",
            organizations=orgs[: 1 + i % 3],
            topics=[topic],
            publish_at=timezone.now() - timedelta(days=1 + i),
            featured_image=factories.make_image() if i < 3 else None,
            summary="Workers everywhere deserve a living wage.",
        )
        statements.append(statement)
    return topic, statements


def with_comments(statement, n):
    Comment.objects.bulk_create(
        Comment(
            statement=statement,
            name=f"Reader {i}",
            email=f"r{i}@example.org",
            body=f"Comment {i}",
            status=Comment.Status.APPROVED,
            fingerprint=str(i),
        )
        for i in range(n)
    )
    refresh_comment_counts([statement.pk])


@pytest.mark.parametrize("n_statements", [1, 25])
@pytest.mark.parametrize(
    "page",
    [
        lambda topic, s: reverse("statements:home"),
        lambda topic, s: topic.get_absolute_url(),
        lambda topic, s: s.organizations.first().get_absolute_url(),
        lambda topic, s: reverse("statements:archive"),
        lambda topic, s: reverse("statements:archive-year", args=[s.publish_at.year]),
        lambda topic, s: reverse(
            "statements:archive-month", args=[s.publish_at.year, s.publish_at.month]
        ),
        lambda topic, s: reverse("statements:search") + "?q=living+wage",
    ],
    ids=["home", "topic", "organization", "archive", "year", "month", "search"],
)
def test_list_pages_stay_within_budget(django_assert_max_num_queries, n_statements, page):
    topic, statements = make_site(n_statements)
    for statement in statements[:5]:
        with_comments(statement, 3)
    with django_assert_max_num_queries(PUBLIC_BUDGET):
        response = Client().get(page(topic, statements[0]))
    assert response.status_code == 200


@pytest.mark.parametrize("n_comments", [0, 200])
def test_statement_page_within_budget_with_many_comments(
    django_assert_max_num_queries, n_comments
):
    _, statements = make_site(3)
    statement = statements[1]
    for i in range(4):
        factories.make_note(statement, text=f"Note {i}")
    with_comments(statement, n_comments)
    with django_assert_max_num_queries(PUBLIC_BUDGET):
        response = Client().get(statement.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('class="comment"') == n_comments


@pytest.mark.parametrize(
    "url",
    [
        lambda: reverse("admin:statements_statement_changelist"),
        lambda: reverse("admin:comments_comment_changelist") + "?status__exact=all",
    ],
    ids=["statements", "comments"],
)
def test_admin_lists_within_budget_at_100_rows(django_assert_max_num_queries, url):
    _, statements = make_site(100)
    with_comments(statements[0], 100)
    admin = factories.make_superuser() if hasattr(factories, "make_superuser") else None
    client = Client()
    if admin is None:
        from django.contrib.auth import get_user_model

        admin = get_user_model().objects.create_superuser("boss", "boss@example.org", "x")
    client.force_login(admin)
    with django_assert_max_num_queries(ADMIN_LIST_BUDGET):
        response = client.get(url() + ("&" if "?" in url() else "?") + "all=")
    assert response.status_code == 200
    assert response.content.decode().count('class="action-select"') == 100
