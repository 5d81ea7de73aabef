"""A real SMTP server on loopback (aiosmtpd), and reading its mail as a subscriber would."""

import email
import email.policy
import os
import re
import socket
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller

from tests import factories


def _free_port():
    """A free port in TEST_PORT_RANGE (default 8600-8649, this suite's share)."""
    low, high = (int(p) for p in os.environ.get("TEST_PORT_RANGE", "8600-8649").split("-"))
    for port in range(low, high + 1):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in TEST_PORT_RANGE")


class Inbox:
    """What the SMTP server received: one parsed message per accepted mail."""

    def __init__(self):
        self.messages = []
        # Set to a number: the server drops the connection after that many mails (then
        # accepts again once reset to None), as a mail server that fails mid-batch.
        self.fail_after = None
        self.refuse = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.fail_after is not None and len(self.messages) >= self.fail_after:
            return "421 4.3.0 Service shutting down"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message.envelope_to = list(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted"

    def to(self, address):
        return [m for m in self.messages if address in m.envelope_to]

    def clear(self):
        self.messages.clear()


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1 that Django's SMTP backend sends to."""
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.SUBSCRIPTIONS_MAX_PER_SECOND = 0
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture(autouse=True)
def _site(settings):
    # Links in mails are followed with the test client.
    settings.SITE_URL = "http://testserver"
    settings.SITE_NAME = "Tenants United"


def text_part(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def html_part(message):
    return message.get_body(preferencelist=("html",)).get_content()


def links(text):
    return re.findall(r"https?://[^\s<>\"]+", text)


def path_of(url):
    return urlsplit(url).path


def link_to(text, piece):
    """The path of the first link in `text` that contains `piece`."""
    found = [u for u in links(text) if piece in u]
    assert found, f"no link with {piece!r} in:\n{text}"
    return path_of(found[0])


def subscribe_data(email="rosa@example.net", **overrides):
    data = {"email": email, "scope": "all", "frequency": "immediately", "source": "/"}
    data.update(overrides)
    return data


make_subscriber = factories.make_subscriber


@pytest.fixture
def statement(db):
    return factories.make_published("Clean water for every village")
