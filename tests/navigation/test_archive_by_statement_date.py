"""The archive files a statement under its own date (the byline's), not its publication."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests import factories
from tests.pages import attrs_of, main_text

pytestmark = pytest.mark.django_db


def test_a_2022_statement_reposted_today_is_in_the_2022_archive(settings):
    settings.PAGE_CACHE_SECONDS = 300
    today = timezone.localdate()
    repost = factories.make_published(
        "Hands off the harbour strikers", days_ago=0, statement_date=date(2022, 1, 12)
    )
    factories.make_published("New today", days_ago=0)
    january = main_text(Client().get("/archive/2022/1/").content)
    assert "Hands off the harbour strikers" in january
    assert "New today" not in january
    assert "Hands off the harbour strikers" in main_text(Client().get("/archive/2022/").content)
    this_month = main_text(Client().get(f"/archive/{today.year}/{today.month}/").content)
    assert "New today" in this_month
    assert "Hands off the harbour strikers" not in this_month
    index = Client().get("/archive/").content
    assert attrs_of(index, "a", href="/archive/2022/1/")
    # Changing the statement's date moves it, and the cached months follow.
    repost.statement_date = date(2023, 5, 2)
    repost.save()
    assert "Hands off" not in main_text(Client().get("/archive/2022/1/").content)
    assert "Hands off" in main_text(Client().get("/archive/2023/5/").content)


def test_a_month_lists_statements_by_their_own_date_newest_first():
    factories.make_published("Second of March", statement_date=date(2021, 3, 2), days_ago=1)
    factories.make_published("Twentieth of March", statement_date=date(2021, 3, 20), days_ago=9)
    factories.make_published("Fifth of March", statement_date=date(2021, 3, 5), days_ago=5)
    text = main_text(Client().get("/archive/2021/3/").content)
    assert text.index("Twentieth of March") < text.index("Fifth of March")
    assert text.index("Fifth of March") < text.index("Second of March")


def test_year_archives_answer_for_years_with_statements_only():
    factories.make_published("Old", statement_date=date(2019, 6, 1))
    assert Client().get("/archive/2019/").status_code == 200
    assert Client().get("/archive/2018/").status_code == 404
    future = timezone.localdate() + timedelta(days=400)
    factories.make_published("Dated ahead", statement_date=future)
    assert "Dated ahead" in main_text(Client().get(f"/archive/{future.year}/").content)
