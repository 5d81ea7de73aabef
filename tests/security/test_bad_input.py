"""Bad input is never a 500 and stores nothing: NUL bytes, odd Unicode, huge and hostile text.

On PostgreSQL a NUL character in a lookup raises inside the driver, and text
longer than a column is refused; SQLite hides both. Everything here runs on
both backends (the suite is run once per DATABASE_URL).
"""

import html
import re
from urllib.parse import quote

import pytest
from captcha.models import CaptchaStore
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.db import DataError, IntegrityError, connection, models, transaction
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from comments.models import Comment
from statements.admin import GuardedChangeListMixin
from statements.models import EditorNote, Image, Organization, StaffProfile, Statement, Topic
from tests import factories

pytestmark = pytest.mark.django_db

MIDDLEWARE_400 = "Null characters are not allowed in"  # … addresses. / … form data.

# -- what the sweeps throw at the site ------------------------------------------------------

TEN_KB = "x" * 10_240
HOSTILE = [
    "\x00",
    "a\x00b",
    "\ud800",  # a lone surrogate: not encodable as UTF-8
    "\udfff\ud800",
    TEN_KB,
    "é" * 5_120,  # 10 KB of UTF-8
    "../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd",
    "' OR 1=1 --",
    '"; DROP TABLE statements_statement; --',
    "<script>alert(1)</script>",
    "%00",
    "%",
    "%ff%fe",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "\u202etxt.exe",
    "\r\nSet-Cookie: x=1",
    "9999",
    "-1",
    "99999999999999999999999999",
    "1e308",
    "NaN",
    "",
    " ",
    "\\",
    "/",
]

# Every kind of character, including NUL and other controls (Cc) and lone surrogates (Cs).
any_character = st.characters(categories=["L", "M", "N", "P", "S", "Z", "C"])
hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(any_character, max_size=40),
    st.text(st.sampled_from("0123456789-_.%/ \x00abcé"), max_size=12),
    # Long runs: a few characters repeated to several kilobytes.
    st.builds(
        lambda s, n: s * n, st.text(any_character, min_size=1, max_size=3), st.integers(1000, 4000)
    ),
)
# A lone surrogate, SQL, HTML, a traversal and 10 KB in one value.
ALL_AT_ONCE = "\ud800' OR 1=1 --<script>alert(1)</script>../../etc/passwd" + TEN_KB
SWEEP = settings(
    max_examples=80,
    deadline=None,
    database=None,  # no example files left in the checkout
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def encode(text):
    """Percent-encode `text` for a URL; lone surrogates as the bytes a client could send."""
    return quote(text, safe="", encoding="utf-8", errors="surrogatepass")


def assert_no_server_error(response, url):
    assert response.status_code < 500, (url[:300], response.status_code)


@pytest.fixture
def site():
    """One published statement with a topic and an organization, and a comment."""
    cache.clear()
    topic = factories.make_topic("Water rights")
    organization = factories.make_organization("River Alliance")
    statement = factories.make_published(
        "Clean water now", topics=[topic], organizations=[organization]
    )
    Comment.objects.create(
        statement=statement,
        name="Rosa",
        email="rosa@example.net",
        body="We stand with you.",
        status=Comment.Status.APPROVED,
    )
    return {"statement": statement, "topic": topic, "organization": organization}


def public_urls(site):
    statement, topic = site["statement"], site["topic"]
    return {
        "home": reverse("statements:home"),
        "statement": statement.get_absolute_url(),
        "topic": topic.get_absolute_url(),
        "organization": site["organization"].get_absolute_url(),
        "archive": reverse("statements:archive"),
        "archive year": reverse("statements:archive-year", args=[statement.publish_at.year]),
        "archive month": reverse(
            "statements:archive-month",
            args=[statement.publish_at.year, statement.publish_at.month],
        ),
        "search": reverse("statements:search"),
        "feed rss": reverse("statements:feed-rss"),
        "feed atom": reverse("statements:feed-atom"),
        "topic feed": reverse("statements:topic-feed-rss", args=[topic.slug]),
        "sitemap": reverse("sitemap"),
        "robots": reverse("robots"),
        "question": reverse("comments:question"),
        "comment post": reverse("comments:post", args=[statement.slug]),
    }


# -- NUL: a 400 everywhere, before any view or database sees it -----------------------------


def test_every_public_url_works_without_nul(client, site):
    for name, url in public_urls(site).items():
        if name != "comment post":
            assert client.get(url).status_code == 200, name


def test_nul_in_the_path_is_a_400_everywhere(client, site):
    for name, url in public_urls(site).items():
        for bad in (url + "%00", url.rstrip("/") + "%00/", url[:-1] + "%00x/"):
            response = client.get(bad)
            assert response.status_code == 400, (name, bad)
            assert MIDDLEWARE_400 in response.content.decode()


@pytest.mark.parametrize("query", ["q=%00", "page=%00", "x=a%00b", "%00=1", "q=ok&q=%00", "p=%00"])
def test_nul_in_the_query_string_is_a_400_everywhere(client, site, query):
    for name, url in public_urls(site).items():
        if name == "comment post":
            continue
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400, name
        assert MIDDLEWARE_400 in response.content.decode()


@pytest.mark.parametrize("content_type", ["multipart", "urlencoded"])
def test_nul_in_form_data_is_a_400_everywhere(client, site, content_type):
    for name, url in public_urls(site).items():
        if name == "comment post":
            continue  # the comment form answers NUL itself: see below
        if content_type == "multipart":
            response = client.post(url, {"q": "water\x00"})
        else:
            response = client.post(
                url, "q=water%00", content_type="application/x-www-form-urlencoded"
            )
        assert response.status_code == 400, name
        assert "Null characters are not allowed in form data" in response.content.decode()


def test_nul_in_a_comment_is_a_form_error_that_keeps_the_text(client, site):
    """Not the bare middleware 400: the visitor gets their words back with a message."""
    statement = site["statement"]
    question = client.get(reverse("comments:question")).json()
    answer = CaptchaStore.objects.get(hashkey=question["key"]).response
    body = "Pasted from a PDF:\x00 the permit must be withdrawn."
    response = client.post(
        reverse("comments:post", args=[statement.slug]),
        {
            "body": body,
            "name": "Rosa",
            "email": "rosa@example.net",
            "website": "",
            "parent": "",
            "homepage": "",
            "form_time": question["form_time"],
            "captcha_0": question["key"],
            "captcha_1": answer,
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert MIDDLEWARE_400 not in page
    assert "Your comment has not been posted yet" in page
    assert "Null characters are not allowed." in page  # next to the field
    textarea = re.search(r"<textarea[^>]*name=\"body\"[^>]*>(.*?)</textarea>", page, re.S)
    kept = html.unescape(textarea[1])
    assert "the permit must be withdrawn." in kept
    assert "Pasted from a PDF:" in kept
    assert Comment.objects.count() == 1  # only the fixture's


def test_nul_in_an_admin_form_is_a_400_and_nothing_is_stored(editor_client):
    response = editor_client.post(
        reverse("admin:statements_topic_add"), {"name": "Wat\x00er", "slug": "water"}
    )
    assert response.status_code == 400
    assert not Topic.objects.exists()


# -- the admin's changelists ----------------------------------------------------------------
#
# Any field name is a filter in a changelist's query string, so each admin is swept with
# its search, ordering, page, list filters, date drill-down and every field. Admins that
# use statements.admin.GuardedChangeListMixin must survive all of it; the others (the
# comments app's and django-axes') are swept on everything except the three kinds of
# parameter Django itself crashes on, and those are tested apart, as expected failures.


def changelist_parameters(model, model_admin):
    names = {"q", "o", "p", "all", "e", "_to_field", "_popup", "_facets"}
    for entry in model_admin.list_filter:
        if isinstance(entry, type) and issubclass(entry, admin.SimpleListFilter):
            names.add(entry.parameter_name)
            continue
        path = entry[0] if isinstance(entry, list | tuple) else entry
        field = get_fields_from_path(model, path)[-1]
        names.update({path, f"{path}__exact", f"{path}__isnull", f"{path}__in"})
        if field.is_relation:
            names.update({f"{path}__id__exact", f"{path}__pk__exact"})
        if isinstance(field, models.DateField):
            names.update({f"{path}__gte", f"{path}__lt"})
    if model_admin.date_hierarchy:
        names.update(f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day"))
    names.update(field.name for field in model._meta.concrete_fields)
    names.update(field.name for field in model._meta.many_to_many)
    return sorted(names)


def django_crashes_on(model, model_admin, parameter):
    """What Django's own ChangeList lets through to a 500 (see GuardedChangeList)."""
    if model_admin.date_hierarchy and parameter.startswith(f"{model_admin.date_hierarchy}__"):
        return True  # ?…__year=9999
    try:
        field = get_fields_from_path(model, parameter.split("__")[0])[-1]
    except FieldDoesNotExist:
        return False  # q, o, p, a list filter's own parameter…
    # An integer over 64 bits for a relation (SQLite), text for an inet column (PostgreSQL).
    return field.is_relation or isinstance(field, models.GenericIPAddressField)


def _url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def _guarded(model_admin):
    return isinstance(model_admin, GuardedChangeListMixin)


ADMIN_TARGETS = sorted(
    (_url(model), parameter)
    for model, model_admin in admin.site._registry.items()
    for parameter in changelist_parameters(model, model_admin)
    if _guarded(model_admin) or not django_crashes_on(model, model_admin, parameter)
)
UNGUARDED_CRASHERS = sorted(
    (_url(model), parameter)
    for model, model_admin in admin.site._registry.items()
    if not _guarded(model_admin)
    for parameter in changelist_parameters(model, model_admin)
    if django_crashes_on(model, model_admin, parameter)
)
CHANGELISTS = sorted({_url(model) for model in admin.site._registry})


@pytest.fixture
def superuser_client(client, site):
    client.force_login(factories.make_user("root", staff=True, is_superuser=True))
    factories.make_image()
    factories.make_draft("A draft")
    return client


def get_in_savepoint(client, url):
    """A request whose database error cannot spoil the next one (PostgreSQL)."""
    with transaction.atomic():
        return client.get(url)


def test_every_changelist_works(superuser_client):
    assert len(CHANGELISTS) >= 10
    for url in CHANGELISTS:
        # The site settings' list opens its one row (a redirect to its form).
        assert superuser_client.get(url, follow=True).status_code == 200, url


def test_our_admins_use_the_guarded_changelist():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in {"statements", "auth"}:
            assert _guarded(model_admin), model


def test_nul_in_any_changelist_parameter_is_a_400(superuser_client):
    for url, parameter in ADMIN_TARGETS + UNGUARDED_CRASHERS:
        response = superuser_client.get(f"{url}?{parameter}=%00")
        assert response.status_code == 400, (url, parameter)
        response = superuser_client.get(f"{url}?{parameter}=1%00")
        assert response.status_code == 400, (url, parameter)


DATE_EDGES = [
    "{f}__year=9999",
    "{f}__year=9999&{f}__month=12",
    "{f}__year=9999&{f}__month=12&{f}__day=31",
    "{f}__year=99999999999999999999",
    "{f}__year=0",
    "{f}__year=-1",
    "{f}__year=1&{f}__month=13",
    "{f}__year=2024&{f}__month=2&{f}__day=30",
]
RELATION_EDGES = ["99999999999999999999", "-99999999999999999999", "1e400", "abc"]
ADDRESS_EDGES = ["abc", "1.2.3.4.5", "::1x", "' OR 1=1 --"]


def _edge_cases(model, model_admin, kinds=("date", "relation", "address")):
    """URLs of `model`'s changelist with the values Django's ChangeList crashes on."""
    url, cases = _url(model), []
    if model_admin.date_hierarchy and "date" in kinds:
        cases += [f"{url}?{q.format(f=model_admin.date_hierarchy)}" for q in DATE_EDGES]
    for parameter in changelist_parameters(model, model_admin):
        if model_admin.date_hierarchy and parameter.startswith(model_admin.date_hierarchy):
            continue
        if not django_crashes_on(model, model_admin, parameter):
            continue
        field = get_fields_from_path(model, parameter.split("__")[0])[-1]
        kind = "relation" if field.is_relation else "address"
        if kind in kinds:
            values = RELATION_EDGES if kind == "relation" else ADDRESS_EDGES
            cases += [f"{url}?{parameter}={encode(value)}" for value in values]
    return cases


def test_guarded_changelists_survive_the_values_django_crashes_on(superuser_client):
    cases = [
        case
        for model, model_admin in admin.site._registry.items()
        if _guarded(model_admin)
        for case in _edge_cases(model, model_admin)
    ]
    assert any("publish_at__year=9999" in case for case in cases)
    assert any("author=9999" in case for case in cases)
    for url in cases:
        response = get_in_savepoint(superuser_client, url)
        # The list, or the admin's redirect to it for a bad lookup (?e=1).
        assert response.status_code in (200, 302), (url, response.status_code)


def test_the_postgresql_only_search_vector_is_not_a_filter(superuser_client):
    """On SQLite, filtering on it is an SQL error that would pass for "database down"."""
    for value in ("water", "\ud800", "' OR 1=1 --"):
        url = f"{reverse('admin:statements_statement_changelist')}?search_vector={encode(value)}"
        assert get_in_savepoint(superuser_client, url).status_code == 400


@settings(SWEEP, max_examples=100)
@given(target=st.sampled_from(ADMIN_TARGETS), text=hostile_text)
def test_changelist_parameters_survive_hostile_text(superuser_client, target, text):
    url, parameter = target
    full = f"{url}?{parameter}={encode(text)}"
    assert_no_server_error(get_in_savepoint(superuser_client, full), full)


def test_changelist_parameters_survive_each_hostile_example(superuser_client):
    """The fixed examples, all in one value, on every search, order, page, filter and
    relation parameter (the sweep above draws them one by one, on random parameters)."""
    filter_like = [
        (url, p) for url, p in ADMIN_TARGETS if p in {"q", "o", "p", "state"} or "__" in p
    ]
    for url, parameter in filter_like:
        full = f"{url}?{parameter}={encode(ALL_AT_ONCE)}"
        assert_no_server_error(get_in_savepoint(superuser_client, full), full)


# -- public pages: random text in every parameter and path segment --------------------------


@SWEEP
@given(text=hostile_text)
@example(text="\x00")
@example(text="\ud800")
@example(text=TEN_KB)
@example(text="../../etc/passwd")
@example(text="' OR 1=1 --")
@example(text="<script>alert(1)</script>")
@example(text="%00")
@example(text="𝔘𝔫𝔦𝔠𝔬𝔡𝔢")
def test_search_survives_hostile_queries(client, site, text):
    url = f"{reverse('statements:search')}?q={encode(text)}"
    response = client.get(url)
    assert_no_server_error(response, url)
    if "\x00" not in text and response.status_code == 200:
        # What was searched for is shown back escaped, never as markup.
        assert "<script>alert(1)</script>" not in response.content.decode()


PAGED = ["statements:home", "statements:search", "sitemap"]


@SWEEP
@given(name=st.sampled_from(PAGED), parameter=st.sampled_from(["page", "p"]), text=hostile_text)
@example(name="statements:home", parameter="page", text="\x00")
@example(name="statements:home", parameter="page", text="99999999999999999999999999")
@example(name="statements:search", parameter="page", text="-1")
@example(name="statements:home", parameter="page", text="1e308")
@example(name="statements:home", parameter="page", text="last")
@example(name="sitemap", parameter="p", text="\ud800")
@example(name="sitemap", parameter="p", text=TEN_KB)
def test_page_numbers_survive_hostile_text(client, site, name, parameter, text):
    url = f"{reverse(name)}?q=water&{parameter}={encode(text)}"
    assert_no_server_error(client.get(url), url)


PATHS = [
    "/statements/{}/",
    "/topics/{}/",
    "/topics/{}/feed/rss/",
    "/topics/{}/feed/atom/",
    "/organizations/{}/",
    "/archive/{}/",
    "/archive/2024/{}/",
    "/archive/{}/01/",
    "/comments/statements/{}/post/",
    "/static/{}",
    "/{}",
    "/{}/",
]


@SWEEP
@given(pattern=st.sampled_from(PATHS), text=hostile_text)
@example(pattern="/topics/{}/", text="\x00")
@example(pattern="/statements/{}/", text="\ud800")
@example(pattern="/organizations/{}/", text=TEN_KB)
@example(pattern="/topics/{}/", text="../../etc/passwd")
@example(pattern="/topics/{}/", text="' OR 1=1 --")
@example(pattern="/statements/{}/", text="<script>alert(1)</script>")
@example(pattern="/archive/{}/", text="%00")
@example(pattern="/topics/{}/", text="𝔘𝔫𝔦𝔠𝔬𝔡𝔢")
@example(pattern="/archive/{}/", text="99999999999999999999")
@example(pattern="/archive/2024/{}/", text="99")
@example(pattern="/archive/{}/01/", text="0")
def test_path_segments_survive_hostile_text(client, site, pattern, text):
    url = pattern.format(encode(text))
    if pattern == "/comments/statements/{}/post/":
        response = client.post(url, {"body": "x"})
    else:
        response = client.get(url)
    assert_no_server_error(response, url)
    if "\x00" in text:
        assert response.status_code == 400


@pytest.mark.parametrize("name", ["0" * 300, "a/" * 3000, "é" * 200])
def test_a_media_address_with_a_too_long_name_is_a_404(client, name):
    assert client.get("/media/" + encode(name)).status_code == 404


def test_path_traversal_through_media_reads_nothing(client, site):
    for path in (
        "/media/../../etc/passwd",
        "/media/%2e%2e/%2e%2e/etc/passwd",
        "/media/..%2F..%2Fadvocacy%2Fsettings.py",
        "/media//etc/passwd",
    ):
        response = client.get(path)
        # 404, or 400 where Django sees the traversal (SuspiciousFileOperation).
        assert response.status_code in (400, 404), path
        assert b"root:" not in b"".join(getattr(response, "streaming_content", [response.content]))


# -- length limits in the database itself ---------------------------------------------------


def _too_long(save):
    """Saving must be refused by the database: IntegrityError from our CHECK constraints, or
    (PostgreSQL varchar) DataError from the column type itself — never silently stored."""
    expected = (IntegrityError,) if connection.vendor == "sqlite" else (IntegrityError, DataError)
    with pytest.raises(expected), transaction.atomic():
        save()


def test_statement_title_of_ten_thousand_characters_is_refused():
    statement = factories.make_published()
    statement.title = "t" * 10_000
    _too_long(statement.save)
    assert Statement.objects.filter(title__startswith="tttt").count() == 0


@pytest.mark.parametrize(
    ("field", "limit"),
    [("summary", 500), ("source_name", 200), ("source_url", 500), ("slug", 200)],
)
def test_other_statement_text_over_its_limit_is_refused(field, limit):
    statement = factories.make_published()
    _too_long(
        lambda: Statement.objects.filter(pk=statement.pk).update(**{field: "s" * (limit + 1)})
    )
    Statement.objects.filter(pk=statement.pk).update(**{field: "s" * limit})


def test_image_caption_over_its_limit_is_refused():
    image = factories.make_image()
    image.caption = "c" * 10_000
    _too_long(image.save)
    image.refresh_from_db()
    assert len(image.caption) < 500


def test_organization_name_over_its_limit_is_refused():
    _too_long(lambda: Organization.objects.create(name="o" * 10_000, slug="too-long"))
    _too_long(lambda: Organization.objects.create(name="o" * 201, slug="just-over"))
    assert not Organization.objects.filter(slug__in=["too-long", "just-over"]).exists()
    Organization.objects.create(name="o" * 200, slug="at-the-limit")


def test_text_columns_are_limited_too():
    """TextField has no length in PostgreSQL either: only the CHECK constraint stops it."""
    organization = factories.make_organization()
    organization.description = "d" * 2_001
    _too_long(organization.save)
    topic = factories.make_topic()
    topic.description = "d" * 10_000
    with pytest.raises(IntegrityError), transaction.atomic():
        topic.save()


def test_the_limit_counts_characters_not_bytes():
    """255 characters outside the Basic Multilingual Plane are 1,020 UTF-8 bytes: allowed."""
    statement = factories.make_published(title="𝔘" * 255)
    statement.refresh_from_db()
    assert statement.title == "𝔘" * 255
    statement.title = "é" * 256
    _too_long(statement.save)


def test_every_limited_column_has_a_check_constraint():
    for model in (Statement, Organization, Topic, Image, EditorNote, StaffProfile, Comment):
        names = {c.name for c in model._meta.constraints}
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField) and field.max_length:
                if field.choices or not field.editable:
                    continue  # a fixed set of values, or computed by the model itself
                assert any(name.endswith(f"_{field.name}_max_length") for name in names), (
                    model.__name__,
                    field.name,
                )
