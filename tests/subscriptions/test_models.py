"""What the database itself refuses: over-long text, a second delivery, a delivery of nothing."""

import pytest
from django.db import DataError, IntegrityError, connection, models, transaction

from subscriptions.models import Delivery, Digest, ErasedAddress, Mailing, Subscriber
from tests import factories

from .conftest import make_subscriber

pytestmark = pytest.mark.django_db


def refused(save):
    expected = (IntegrityError,) if connection.vendor == "sqlite" else (IntegrityError, DataError)
    with pytest.raises(expected), transaction.atomic():
        save()


def test_every_limited_column_has_a_check_constraint():
    for model in (Subscriber, ErasedAddress, Mailing, Digest, Delivery):
        names = {c.name for c in model._meta.constraints}
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField) and field.max_length:
                if field.choices:
                    continue
                assert any(name.endswith(f"_{field.name}_max_length") for name in names), (
                    model.__name__,
                    field.name,
                )


@pytest.mark.parametrize(
    "field, length",
    [("consent_text", 1001), ("source_url", 501), ("suppressed_reason", 201), ("email", 255)],
)
def test_over_long_text_is_refused_by_the_database(field, length):
    subscriber = make_subscriber("rosa@example.net")
    setattr(subscriber, field, "x" * length)
    refused(subscriber.save)
    subscriber.refresh_from_db()
    assert len(getattr(subscriber, field)) < length


def test_a_subscriber_gets_a_statement_once_at_most():
    subscriber = make_subscriber("rosa@example.net")
    statement = factories.make_published("Rent freeze now")
    Delivery.objects.create(subscriber=subscriber, statement=statement)
    refused(lambda: Delivery.objects.create(subscriber=subscriber, statement=statement))
    # An erased subscriber's rows (no address) do not collide.
    Delivery.objects.create(subscriber=None, statement=statement)
    Delivery.objects.create(subscriber=None, statement=statement)


def test_a_delivery_is_of_a_statement_or_a_digest():
    subscriber = make_subscriber("rosa@example.net")
    refused(lambda: Delivery.objects.create(subscriber=subscriber))


def test_one_address_one_subscriber():
    make_subscriber("rosa@example.net")
    refused(lambda: Subscriber.objects.create(email="rosa@example.net"))
