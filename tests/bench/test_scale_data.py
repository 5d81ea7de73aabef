"""bench/scale_data.py: the large data set of the scale benchmark."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from bench.scale_data import AlreadyLoaded, generate
from comments.models import Comment
from statements.models import Statement

pytestmark = pytest.mark.django_db


def test_generates_published_statements_with_counted_comments(settings):
    settings.PAGE_CACHE_SECONDS = 0
    generate(statements=30, comments=300, batch=10)

    assert Statement.objects.published().filter(slug__startswith="scale-").count() == 30
    assert Comment.objects.count() == 300
    approved = Comment.objects.approved().count()
    assert sum(Statement.objects.values_list("comment_count", flat=True)) == approved
    assert all(s.topics.exists() and s.organizations.exists() for s in Statement.objects.all())

    newest = Statement.objects.published().first()
    assert Client().get(newest.get_absolute_url()).status_code == 200
    found = Client().get(reverse("statements:search") + "?q=tenants").content.decode()
    count = re.search(r"(\d+) statements? found", found)
    assert count and int(count[1]) > 0


def test_refuses_to_load_twice():
    generate(statements=2, comments=2)
    with pytest.raises(AlreadyLoaded):
        generate(statements=2, comments=2)
