"""The subscribers' admin: filters, search, deliveries, a test mail (its CSV export: tests/exports)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from subscriptions.models import Delivery, Subscriber
from tests import factories

from .conftest import make_subscriber, text_part

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:subscriptions_subscriber_changelist"


@pytest.fixture
def people():
    housing = factories.make_topic("Housing")
    make_subscriber("rosa@example.net", topics=[housing])
    make_subscriber("sam@example.org")
    make_subscriber("pending@example.org", state=Subscriber.State.PENDING)
    return housing


def rows(response):
    return [s.email for s in response.context["cl"].result_list]


def test_editors_filter_subscribers_by_state_and_topic_and_search(editor_client, people):
    url = reverse(CHANGELIST)
    assert sorted(rows(editor_client.get(url, {"state__exact": "pending"}))) == [
        "pending@example.org"
    ]
    assert rows(editor_client.get(url, {"topics__id__exact": people.pk})) == ["rosa@example.net"]
    assert rows(editor_client.get(url, {"q": "sam@"})) == ["sam@example.org"]


def test_the_list_costs_the_same_queries_for_ten_or_fifty(
    editor_client, people, django_assert_max_num_queries
):
    for n in range(50):
        make_subscriber(f"many{n}@example.org", topics=[people])
    editor_client.get(reverse(CHANGELIST))
    with django_assert_max_num_queries(14):
        response = editor_client.get(reverse(CHANGELIST))
    assert response.status_code == 200


def test_moderators_see_no_subscribers(moderator_client, people):
    assert moderator_client.get(reverse(CHANGELIST)).status_code == 403


def test_unsubscribing_from_the_admin_is_recorded(editor_client, people):
    sam = Subscriber.objects.get(email="sam@example.org")
    editor_client.post(
        reverse(CHANGELIST), {"action": "unsubscribe", "_selected_action": [sam.pk]}
    )
    sam.refresh_from_db()
    assert sam.state == Subscriber.State.UNSUBSCRIBED
    assert sam.unsubscribe_method == Subscriber.Method.ADMIN


def test_deliveries_per_statement(
    editor_client, people, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        statement = factories.make_published("Rent freeze now", publish_at=timezone.now())
    assert len(mailoutbox) == 1  # sam (every statement); rosa chose Housing
    Delivery.objects.create(
        subscriber=Subscriber.objects.get(email="rosa@example.net"),
        statement=statement,
        state="failed",
        error="550",
    )
    response = editor_client.get(reverse("admin:subscriptions_mailing_changelist"))
    [mailing] = response.context["cl"].result_list
    assert (mailing.queued_count, mailing.sent_count, mailing.failed_count) == (0, 1, 1)
    response = editor_client.get(
        reverse("admin:subscriptions_delivery_changelist"), {"statement__id__exact": statement.pk}
    )
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 2
    failed = editor_client.get(
        reverse("admin:subscriptions_delivery_changelist"),
        {"statement__id__exact": statement.pk, "state__exact": "failed"},
    )
    assert [d.error for d in failed.context["cl"].result_list] == ["550"]


def test_send_a_test_to_me(editor_client, editor, smtp, django_capture_on_commit_callbacks):
    statement = factories.make_published("Rent freeze now", summary="Rents are frozen.")
    url = reverse("admin:subscriptions_mailing_test")
    changelist = editor_client.get(reverse("admin:subscriptions_mailing_changelist"))
    assert url in changelist.content.decode()
    assert editor_client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(url, {"statement": statement.pk}, follow=True)
    assert f"A test was sent to {editor.email}" in response.content.decode()
    [mail] = smtp.messages
    assert mail.envelope_to == [editor.email]
    assert mail["Subject"] == "[Test] Rent freeze now"
    assert "Rents are frozen." in text_part(mail)
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Delivery.objects.count() == 0
