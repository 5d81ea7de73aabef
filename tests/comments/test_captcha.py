"""The arithmetic question: its draws, its words, single use, and the image mode."""

import re
import secrets
import threading
import time
from io import BytesIO
from pathlib import Path

import captcha
import pytest
from captcha.conf import settings as captcha_settings
from captcha.models import CaptchaStore
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from comments import captcha as question
from comments.captcha import (
    DIVIDED_BY,
    MINUS,
    PLUS,
    TIMES,
    SingleUseCaptchaField,
    arithmetic_challenge,
    normalize_answer,
    question_in_words,
)
from comments.checks import (
    captcha_font_draws_operators,
    captcha_test_mode_is_off,
    missing_glyphs,
)
from tests.concurrency import needs_postgresql, run_in_threads

from .conftest import fetch_question, form_values, post_comment

DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
VERA = str(Path(captcha.__file__).parent / "fonts" / "Vera.ttf")
OPERATORS = [PLUS, MINUS, TIMES, DIVIDED_BY]
QUESTION = re.compile(r"^(\d+) ([+\u2212\u00d7\u2044]) (\d+) =$")


def test_the_operators_are_the_unicode_signs_of_the_reference_page():
    assert [hex(ord(op)) for op in OPERATORS] == ["0x2b", "0x2212", "0xd7", "0x2044"]


@pytest.mark.parametrize("operator", OPERATORS)
def test_each_operator_gives_whole_answers_from_0_to_100(monkeypatch, operator):
    monkeypatch.setattr(question._rng, "choice", lambda options: operator)
    seen_answers = set()
    for _ in range(1000):
        text, answer = arithmetic_challenge()
        match = QUESTION.match(text)
        assert match, text
        a, op, b = int(match[1]), match[2], int(match[3])
        assert op == operator
        assert answer.isdigit(), (text, answer)  # whole, never negative
        value = int(answer)
        assert 0 <= value <= 100, text
        if op == PLUS:
            assert a + b == value
        elif op == MINUS:
            assert a - b == value >= 0
        elif op == TIMES:
            assert a * b == value
        else:
            assert b != 0 and a % b == 0 and a // b == value, text  # exact division
        seen_answers.add(value)
    # Many different questions, not one repeated.
    assert len(seen_answers) > 5


def test_draws_use_all_four_operators_and_a_system_random_source():
    assert isinstance(question._rng, secrets.SystemRandom)
    drawn = {QUESTION.match(arithmetic_challenge()[0])[2] for _ in range(400)}
    assert drawn == set(OPERATORS)


@pytest.mark.django_db
def test_the_package_stores_our_question():
    assert captcha_settings.CAPTCHA_CHALLENGE_FUNCT == "comments.captcha.arithmetic_challenge"
    for _ in range(20):
        store = CaptchaStore.objects.get(hashkey=CaptchaStore.generate_key())
        match = QUESTION.match(store.challenge)
        assert match, store.challenge
        assert 0 <= int(store.response) <= 100


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("30 \u2044 10 =", "thirty divided by ten equals"),
        ("47 \u2212 37 =", "forty-seven minus thirty-seven equals"),
        ("6 \u00d7 7 =", "six times seven equals"),
        ("50 + 50 =", "fifty plus fifty equals"),
        ("13 + 0 =", "thirteen plus zero equals"),
        ("100 \u2212 21 =", "one hundred minus twenty-one equals"),
    ],
)
def test_question_in_words(text, words):
    assert question_in_words(text) == words


def test_every_drawn_question_reads_out_in_words_only():
    for _ in range(300):
        text, _answer = arithmetic_challenge()
        words = question_in_words(text)
        assert not re.search(r"[0-9+\u2212\u00d7\u2044=]", words), (text, words)
        assert words.endswith(" equals")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("7", "7"), ("  7 ", "7"), ("07", "7"), (" 007\t", "7"), ("\uff17", "7"), ("0", "0")],
)
def test_answers_are_normalized(typed, expected):
    assert normalize_answer(typed) == expected


# -- single use ---------------------------------------------------------------


def solved_question():
    key = CaptchaStore.generate_key()
    return key, CaptchaStore.objects.get(hashkey=key).response


def clean_outcome(field, key, answer):
    try:
        field.clean([key, answer])
    except ValidationError as error:
        return error.code
    return "ok"


@pytest.mark.django_db
def test_a_solved_question_passes_once():
    field = SingleUseCaptchaField()
    key, answer = solved_question()
    assert clean_outcome(field, key, answer) == "ok"
    assert clean_outcome(field, key, answer) == "expired"
    assert not CaptchaStore.objects.filter(hashkey=key).exists()


@pytest.mark.django_db
def test_a_wrong_answer_burns_the_question():
    field = SingleUseCaptchaField()
    key, answer = solved_question()
    wrong = str((int(answer) + 1) % 101)
    assert clean_outcome(field, key, wrong) == "invalid"
    # The right answer after a wrong one is too late: the question is gone.
    assert clean_outcome(field, key, answer) == "expired"


@pytest.mark.django_db
def test_expired_unknown_and_missing_questions_fail():
    field = SingleUseCaptchaField()
    key, answer = solved_question()
    CaptchaStore.objects.filter(hashkey=key).update(
        expiration=timezone.now() - timezone.timedelta(seconds=1)
    )
    assert clean_outcome(field, key, answer) == "expired"
    assert clean_outcome(field, "0" * 40, "5") == "expired"
    assert clean_outcome(field, "", "") == "required"
    assert clean_outcome(field, key, "") == "required"


@pytest.mark.django_db
def test_test_mode_is_off_so_passed_is_just_a_wrong_answer():
    assert captcha_settings.CAPTCHA_TEST_MODE is False
    key, _answer = solved_question()
    assert clean_outcome(SingleUseCaptchaField(), key, "passed") == "invalid"


@pytest.mark.django_db
def test_a_right_answer_is_checked_and_consumed_in_one_statement():
    """No read-then-delete window: one DELETE decides, so two posts cannot both pass."""
    key, answer = solved_question()
    with CaptureQueriesContext(connection) as queries:
        assert clean_outcome(SingleUseCaptchaField(), key, answer) == "ok"
    sql = [q["sql"] for q in queries.captured_queries]
    assert len(sql) == 1, sql
    assert sql[0].upper().startswith("DELETE"), sql
    assert key in sql[0] or "hashkey" in sql[0]


def _wait_until_another_session_waits_for_a_lock(timeout=5):
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.01)
    return False


@pytest.mark.django_db(transaction=True)
def test_race_second_answer_arrives_while_the_first_is_not_yet_committed():
    """The interleaving that lets the stock read-then-delete field pass twice.

    A consumes the question in a transaction that stays open; B answers the same
    question while A's delete is uncommitted (a plain read would still see the
    row). B must wait for A and then fail.
    """
    needs_postgresql()
    key, answer = solved_question()
    field = SingleUseCaptchaField()
    outcomes = {}
    a_consumed = threading.Event()
    b_was_blocked = []

    def first():
        with transaction.atomic():
            outcomes["a"] = clean_outcome(field, key, answer)
            a_consumed.set()
            b_was_blocked.append(_wait_until_another_session_waits_for_a_lock())

    def second():
        a_consumed.wait(5)
        outcomes["b"] = clean_outcome(field, key, answer)

    run_in_threads(first, second)
    assert outcomes == {"a": "ok", "b": "expired"}
    assert b_was_blocked == [True], "B did not wait for A's uncommitted delete"


@pytest.mark.django_db(transaction=True)
def test_race_two_simultaneous_answers_exactly_one_passes():
    needs_postgresql()
    field = SingleUseCaptchaField()
    for _ in range(5):
        key, answer = solved_question()
        barrier = threading.Barrier(2)
        outcomes = []

        def answer_it(key=key, answer=answer, barrier=barrier, outcomes=outcomes):
            barrier.wait(5)
            outcomes.append(clean_outcome(field, key, answer))

        run_in_threads(answer_it, answer_it)
        assert sorted(outcomes) == ["expired", "ok"]


@pytest.mark.django_db(transaction=True)
def test_race_two_posts_of_one_solved_question_store_one_comment(statement):
    """Two visitors (or a replaying bot) post different comments with one solved question."""
    needs_postgresql()
    from django.test import Client

    from comments.models import Comment

    from .conftest import comment_data, post_url

    q = fetch_question(Client())
    barrier = threading.Barrier(2)
    statuses = []

    def post(body):
        def run():
            client = Client()
            data = comment_data(q, body=body, email=f"{len(body)}@example.org")
            barrier.wait(5)
            statuses.append(client.post(post_url(statement), data).status_code)

        return run

    run_in_threads(post("First of two comments."), post("Second of the two comments."))
    assert sorted(statuses) == [303, 400]
    assert Comment.objects.count() == 1


# -- the endpoint --------------------------------------------------------------


@pytest.mark.django_db
def test_question_endpoint_gives_a_fresh_uncached_question_per_call(client):
    response = client.get(reverse("comments:question"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "no-cache" in cache_control
    data = response.json()
    assert {"key", "question", "spoken", "form_time", "csrf_token"} <= set(data)
    store = CaptchaStore.objects.get(hashkey=data["key"])
    assert data["question"] == store.challenge
    assert data["spoken"] == question_in_words(store.challenge)
    # The answer itself is never sent.
    assert store.response not in {str(v) for v in data.values()}
    assert "response" not in data and "answer" not in data
    again = client.get(reverse("comments:question")).json()
    assert again["key"] != data["key"]


# -- system checks -------------------------------------------------------------


def test_check_refuses_captcha_test_mode_without_debug(monkeypatch, settings):
    monkeypatch.setattr(captcha_settings, "CAPTCHA_TEST_MODE", True)
    settings.DEBUG = False
    errors = captcha_test_mode_is_off(None)
    assert [e.id for e in errors] == ["comments.E001"]
    settings.DEBUG = True
    assert captcha_test_mode_is_off(None) == []
    monkeypatch.setattr(captcha_settings, "CAPTCHA_TEST_MODE", False)
    settings.DEBUG = False
    assert captcha_test_mode_is_off(None) == []


def test_the_check_is_registered():
    from django.core import checks

    assert captcha_test_mode_is_off in checks.registry.registry.get_checks()


# -- image mode ----------------------------------------------------------------


def test_dejavu_sans_draws_every_operator():
    assert Path(DEJAVU).is_file(), "install fonts-dejavu-core"
    assert missing_glyphs(DEJAVU, "".join(OPERATORS) + "=0123456789") == []


def test_the_bundled_vera_font_lacks_the_fraction_slash():
    assert missing_glyphs(VERA, "".join(OPERATORS)) == [DIVIDED_BY]


def test_missing_glyphs_detects_the_box():
    # Private-use characters are drawn as the same box as an unassigned one.
    assert missing_glyphs(DEJAVU, "\ue000A") == ["\ue000"]


def test_the_package_does_not_clip_our_signs():
    for sign in [*OPERATORS, "=", " "]:
        assert sign in captcha_settings.CAPTCHA_PUNCTUATION


def test_font_check_in_image_mode(settings):
    settings.COMMENTS_CAPTCHA_IMAGE = True
    settings.CAPTCHA_FONT_PATH = DEJAVU
    assert captcha_font_draws_operators(None) == []
    settings.CAPTCHA_FONT_PATH = VERA
    errors = captcha_font_draws_operators(None)
    assert [e.id for e in errors] == ["comments.E003"]
    assert DIVIDED_BY in errors[0].msg
    settings.CAPTCHA_FONT_PATH = "/nonexistent/font.ttf"
    assert [e.id for e in captcha_font_draws_operators(None)] == ["comments.E002"]
    settings.COMMENTS_CAPTCHA_IMAGE = False
    assert captcha_font_draws_operators(None) == []


@pytest.mark.django_db
@override_settings(COMMENTS_CAPTCHA_IMAGE=True)
def test_image_mode_serves_a_png_and_never_the_question_as_text(client):
    response = client.get(reverse("comments:question"))
    data = response.json()
    store = CaptchaStore.objects.get(hashkey=data["key"])
    assert data["question"] == "" and data["spoken"] == ""
    assert store.challenge not in response.content.decode("unicode_escape")
    assert data["image_url"] == reverse("captcha-image", args=[data["key"]])

    image = client.get(data["image_url"])
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    content = b"".join(image.streaming_content) if image.streaming else image.content
    assert content.startswith(b"\x89PNG")
    assert Image.open(BytesIO(content)).size[0] > 50


@pytest.mark.django_db
@override_settings(COMMENTS_CAPTCHA_IMAGE=True)
def test_image_mode_form_has_alt_text_without_the_answer_and_a_new_question_button(
    client, statement
):
    response = post_comment(client, statement, captcha_1="")
    assert response.status_code == 400
    html = response.content.decode()
    key = form_values(response)["captcha_0"]
    store = CaptchaStore.objects.get(hashkey=key)
    img = re.search(r"<img[^>]*data-question-image[^>]*>", html)[0]
    assert reverse("captcha-image", args=[key]) in img
    alt = re.search(r'alt="([^"]*)"', img)[1]
    assert len(alt) > 20
    assert store.response not in re.findall(r"\d+", alt)
    assert store.challenge not in html
    assert question_in_words(store.challenge) not in html
    assert re.search(r"<button[^>]*data-new-question[^>]*>New question</button>", html)
    # No audio: the package's audio would drop the operators.
    assert "captcha/audio" not in html
    assert client.get(reverse("captcha-audio", args=[key])).status_code == 404
