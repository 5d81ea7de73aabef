"""Statement.labels: the byline and topic links kept on the statement stay true."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django.urls import reverse

from statements.models import Statement
from tests import factories
from tests.pages import main_text

pytestmark = pytest.mark.django_db


def labels(statement):
    stored = Statement.objects.get(pk=statement.pk)
    return (
        [(o.name, o.slug) for o in stored.byline_organizations],
        [(t.name, t.slug) for t in stored.topic_labels],
    )


@pytest.fixture
def groups():
    return (
        factories.make_organization("Tenants Together"),
        factories.make_organization("Harbour Workers Union"),
    )


def test_labels_follow_links_set_added_removed_and_cleared_from_the_statement(groups):
    tenants, harbour = groups
    housing = factories.make_topic("Housing")
    statement = factories.make_statement(organizations=[tenants], topics=[housing])
    assert labels(statement) == (
        [("Tenants Together", "tenants-together")],
        [("Housing", "housing")],
    )

    statement.organizations.add(harbour)
    assert labels(statement)[0] == [
        ("Harbour Workers Union", "harbour-workers-union"),
        ("Tenants Together", "tenants-together"),
    ]
    statement.organizations.remove(tenants)
    statement.topics.clear()
    assert labels(statement) == ([("Harbour Workers Union", "harbour-workers-union")], [])


def test_labels_follow_links_made_and_cleared_from_the_organizations_side(groups):
    tenants, harbour = groups
    first = factories.make_statement(organizations=[tenants])
    second = factories.make_statement(organizations=[tenants])
    harbour.statements.add(first, second)
    assert [name for name, _ in labels(second)[0]] == ["Harbour Workers Union", "Tenants Together"]
    harbour.statements.remove(first)
    assert [name for name, _ in labels(first)[0]] == ["Tenants Together"]
    tenants.statements.clear()
    assert labels(first)[0] == [] and [n for n, _ in labels(second)[0]] == [
        "Harbour Workers Union"
    ]


def test_renaming_an_organization_or_topic_relabels_its_statements_and_pages(groups, client):
    tenants, _ = groups
    topic = factories.make_topic("Housing")
    statement = factories.make_published(
        "Rent freeze now", organizations=[tenants], topics=[topic]
    )
    assert "Statement by Tenants Together" in main_text(Client().get("/").content)

    tenants.name, tenants.slug = "Tenants United", "tenants-united"
    tenants.save()
    topic.name = "Homes"
    topic.save()

    assert labels(statement) == ([("Tenants United", "tenants-united")], [("Homes", "housing")])
    page = Client().get(statement.get_absolute_url()).content.decode()
    assert "Statement by Tenants United" in main_text(page)
    assert f'href="{reverse("statements:organization", args=["tenants-united"])}"' in page
    assert ">Homes</a>" in page
    assert "Statement by Tenants United" in main_text(Client().get("/").content)
    feed = Client().get(reverse("statements:feed-atom")).content.decode()
    assert "Tenants United" in feed and "Tenants Together" not in feed


def test_deleting_an_organization_or_topic_takes_it_off_its_statements(groups):
    tenants, harbour = groups
    topic = factories.make_topic("Housing")
    statement = factories.make_statement(organizations=[tenants, harbour], topics=[topic])
    tenants.delete()
    topic.delete()
    assert labels(statement) == ([("Harbour Workers Union", "harbour-workers-union")], [])


def test_the_migration_labels_statements_stored_before_it(groups):
    migration = importlib.import_module("statements.migrations.0012_fill_statement_labels")
    statement = factories.make_statement(organizations=list(groups))
    Statement.objects.filter(pk=statement.pk).update(labels={})
    assert labels(statement) == ([], [])
    migration.fill_labels(django_apps, None)
    assert [name for name, _ in labels(statement)[0]] == [
        "Harbour Workers Union",
        "Tenants Together",
    ]
