"""Real-browser tests: Playwright (sync API) driving Debian's Chromium against the live server.

No browser is ever downloaded: the tests use /usr/bin/chromium. Without it they
are skipped (one line: how to install it) unless REQUIRE_BROWSER=1, as in CI,
where a missing browser is a failure.
"""

import os
import shutil
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone

from advocacy import roles
from comments.models import Comment
from comments.moderation import refresh_comment_counts
from pages.models import Page
from statements import demo
from statements.models import Statement
from tests import factories
from tests.browser.support import ARTIFACTS, DESKTOP

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
INSTALL_HINT = (
    "Chromium not found at /usr/bin/chromium: install it with `apt-get install chromium`"
)
FAILURES = ARTIFACTS / "failures"
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER", "").strip() == "1"

# --- the browser --------------------------------------------------------------


@pytest.fixture(scope="package")
def browser():
    """One Chromium for all the browser tests; each test opens its own contexts.

    Playwright's sync API keeps an asyncio loop running in this thread until it
    stops, and Django refuses ORM calls while a loop runs; the tests still read
    the database (setup data, the question's answer). DJANGO_ALLOW_ASYNC_UNSAFE
    lifts that, for these tests only: the browser and the variable both end with
    this package, so neither leaks into later tests or the processes they start
    (`check --deploy` rightly rejects the variable).
    """
    if not CHROMIUM.exists():
        if REQUIRE_BROWSER:  # as in CI: a missing browser is a failure
            pytest.fail(f"REQUIRE_BROWSER=1 but {INSTALL_HINT}", pytrace=False)
        pytest.skip(INSTALL_HINT)
    from playwright.sync_api import sync_playwright

    shutil.rmtree(FAILURES, ignore_errors=True)  # only this run's failures are shown there
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


class Browsing:
    """Opens browser contexts (separate visitors) and remembers every request they make."""

    def __init__(self, browser, base_url):
        self.browser = browser
        self.base_url = base_url.rstrip("/")
        self.contexts = []
        self.requests = []  # (context label, url)

    def new_context(self, label="visitor", *, viewport=DESKTOP, **options):
        context = self.browser.new_context(
            base_url=self.base_url, viewport=viewport, locale="en-US", **options
        )
        context.set_default_timeout(10_000)
        context.on("request", lambda request: self.requests.append((label, request.url)))
        self.contexts.append(context)
        return context

    def new_page(self, label="visitor", **options):
        return self.new_context(label, **options).new_page()

    def foreign_requests(self, labels=None):
        """Requests that left the site (ignoring data: and blob: addresses)."""
        own = urlsplit(self.base_url)
        foreign = []
        for label, url in self.requests:
            if labels is not None and label not in labels:
                continue
            parts = urlsplit(url)
            if parts.scheme in {"data", "blob", "about"}:
                continue
            if (parts.scheme, parts.netloc) != (own.scheme, own.netloc):
                foreign.append(f"{label}: {url}")
        return foreign

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    if (
        report.skipped
        and isinstance(report.longrepr, tuple)
        and INSTALL_HINT in report.longrepr[2]
    ):
        # Every browser test skips for the same reason: one line in the summary, not one each.
        report.longrepr = ("tests/browser", None, report.longrepr[2])
    return report


@pytest.fixture
def browsing(request, browser, live_server, staff_groups):
    session = Browsing(browser, live_server.url)
    yield session
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        # What each open page showed when the test failed, for the CI log's reader.
        FAILURES.mkdir(parents=True, exist_ok=True)
        for n, page in enumerate(p for c in session.contexts for p in c.pages):
            try:
                page.screenshot(
                    path=str(FAILURES / f"{request.node.name}-{n}.png"), full_page=True
                )
            except Exception:  # a closed or crashed page: nothing to show
                pass
    session.close()


@pytest.fixture(autouse=True)
def _clean_cache():
    """The comment rate limit lives in the (process-wide) cache: start every test at zero."""
    cache.clear()
    yield
    cache.clear()


# --- people and groups ----------------------------------------------------------


@pytest.fixture
def staff_groups(transactional_db):
    """The Editors and Moderators groups, as advocacy/roles.py declares them.

    live_server needs a transactional database, which is flushed after every
    test. The flush's post_migrate step applies the roles again, but a test
    run that starts with a flushed database of another folder's transactional
    tests must not depend on that order: apply them here (idempotent).
    (pytest-django's serialized_rollback would bring them back too, but it
    serializes the whole database for the session.)
    """
    from django.apps import apps

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    roles.apply_roles()
    return Group.objects.get(name=roles.EDITORS), Group.objects.get(name=roles.MODERATORS)


@pytest.fixture
def editor_account(staff_groups):
    return factories.make_editor("jordan", initials="jb", first_name="Jordan", last_name="Bell")


@pytest.fixture
def moderator_account(staff_groups):
    return factories.make_moderator("morgan", first_name="Morgan", last_name="Reyes")


# --- content ------------------------------------------------------------------------


def approved_comment(statement, *, name, body, parent=None, website="", minutes_ago=0):
    """A comment as if a visitor had posted it and a moderator had approved it (setup data)."""
    comment = Comment.objects.create(
        statement=statement,
        parent=parent,
        name=name,
        email=f"{name.split()[0].lower()}@example.net",
        website=website,
        body=body,
        status=Comment.Status.APPROVED,
    )
    if minutes_ago:
        Comment.objects.filter(pk=comment.pk).update(
            created_at=timezone.now() - timedelta(minutes=minutes_ago)
        )
    refresh_comment_counts([statement.pk])
    return comment


@pytest.fixture
def discussed_statement(staff_groups):
    """A published statement with one approved comment, for the comment flows."""
    statement = factories.make_published(
        "Clean water for every village",
        organizations=[factories.make_organization("River Rights Coalition")],
        summary="The water board must connect the last twelve villages this year.",
        body="<p>Twelve villages still carry their water from the river.</p>",
    )
    comment = approved_comment(
        statement,
        name="Amara Okafor",
        body="Our village was connected last spring. It changed everything.",
        minutes_ago=90,
    )
    statement.refresh_from_db()
    return SimpleNamespace(statement=statement, comment=comment, url=statement.get_absolute_url())


@pytest.fixture
def demo_site(staff_groups):
    """The demo content of `make run`, plus a short discussion under the repost.

    Realistic pages for axe, the phone layout and the screenshots.
    """
    demo.load()
    statement = (
        Statement.objects.published()
        .filter(editor_notes__isnull=False, featured_image__isnull=False)
        .exclude(source_url="")
        .distinct()
        .first()
    )
    assert statement is not None, "the demo content has no published repost with a note"
    first = approved_comment(
        statement,
        name="Dana Whitfield",
        website="https://dana.example.net/",
        body=(
            "I volunteer at the day centre. Last January we turned people away on nights "
            "when it was minus four.\n\nThank you for putting this in writing."
        ),
        minutes_ago=300,
    )
    approved_comment(
        statement,
        parent=first,
        name="Tomás Herrera",
        body="Same in our street. We will bring this to the council meeting on Thursday.",
        minutes_ago=120,
    )
    approved_comment(
        statement,
        name="Lina Park",
        body="Is there a list of the shelters and their opening hours somewhere?",
        minutes_ago=45,
    )
    statement.refresh_from_db()
    topic = statement.topics.first()
    organization = statement.organizations.first()
    # A site page in the header menu and one in the footer (pages app).
    about = Page.objects.create(
        title="About the coalition",
        body="<p>We are tenants, workers and neighbours.</p><h2>How we work</h2><p>Openly.</p>",
        status=Page.Status.PUBLISHED,
        menu=Page.Menu.HEADER,
    )
    Page.objects.create(
        title="Contact", body="<p>Write to us.</p>", status=Page.Status.PUBLISHED,
        menu=Page.Menu.FOOTER, parent=about,
    )  # fmt: skip
    return SimpleNamespace(
        page_url=about.get_absolute_url(),
        statement=statement,
        url=statement.get_absolute_url(),
        topic=topic,
        organization=organization,
        month=f"/archive/{statement.statement_date:%Y/%m}/",
    )
