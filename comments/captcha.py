"""The arithmetic question of the comment form, on django-simple-captcha.

The package stores each question (CaptchaStore) and draws the image mode; we
supply the question, read it out in words for screen readers, and consume an
answer in one DELETE so a solved question can be used exactly once.
"""

import logging
import secrets

from captcha.conf import settings as captcha_settings
from captcha.fields import CaptchaField
from captcha.models import CaptchaStore
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from advocacy.numbers import whole_number

PLUS, MINUS, TIMES, DIVIDED_BY = "+", "\u2212", "\u00d7", "\u2044"
# The spoken question, whole sentences so a translator may order them as the
# language needs; gettext at the time of speaking, in the site's language.
SPOKEN = {
    PLUS: _("%(a)s plus %(b)s equals"),
    MINUS: _("%(a)s minus %(b)s equals"),
    TIMES: _("%(a)s times %(b)s equals"),
    DIVIDED_BY: _("%(a)s divided by %(b)s equals"),
}

logger = logging.getLogger(__name__)

# The global `random` is re-seeded with public keys by the package's image view.
_rng = secrets.SystemRandom()


def arithmetic_challenge():
    """Return (question, answer) with a whole answer from 0 to 100."""
    operator = _rng.choice((PLUS, MINUS, TIMES, DIVIDED_BY))
    if operator == PLUS:
        a, b = _rng.randint(1, 50), _rng.randint(0, 50)
        answer = a + b
    elif operator == MINUS:
        a = _rng.randint(1, 100)
        b = _rng.randint(0, a)
        answer = a - b
    elif operator == TIMES:
        a, b = _rng.randint(2, 10), _rng.randint(2, 10)
        answer = a * b
    else:
        b, answer = _rng.randint(2, 10), _rng.randint(1, 10)
        a = b * answer
    return f"{a} {operator} {b} =", str(answer)


_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_in_words(n):
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    if n == 100:
        return "one hundred"
    return str(n)


def question_in_words(question):
    """'30 ⁄ 10 =' → 'thirty divided by ten equals', for assistive technology.

    In the site's language: the sentence is translated; numbers are spelled
    out in English and left as digits in other languages, which screen
    readers speak in the page's language.
    """
    tokens = question.split()
    if len(tokens) != 4 or tokens[1] not in SPOKEN or not (tokens[0] + tokens[2]).isdigit():
        return question
    a, b = int(tokens[0]), int(tokens[2])
    if (get_language() or "en").split("-")[0] == "en":
        a, b = number_in_words(a), number_in_words(b)
    return gettext(SPOKEN[tokens[1]]) % {"a": a, "b": b}


CLEAN_EVERY = 100  # questions stored between two removals of the expired ones


def new_question(client=None):
    """Store a fresh question for `client` (an IP address); return what a page shows.

    Every page view with the form, and every failed post, stores a question;
    two bounds keep that from filling the database: a client keeps at most
    COMMENTS_LIVE_QUESTIONS_PER_CLIENT live questions (its oldest go first),
    and every CLEAN_EVERY-th question removes the expired ones of everybody,
    so the table stays small with or without `manage.py captcha_clean`.
    """
    key = CaptchaStore.generate_key()
    store = CaptchaStore.objects.get(hashkey=key)
    try:
        if client:
            _keep_few_per_client(client, key)
        if cache.incr(_STORED_COUNT_KEY) % CLEAN_EVERY == 0:
            CaptchaStore.remove_expired()
    except ValueError:  # no count yet
        cache.add(_STORED_COUNT_KEY, 1, timeout=None)
    except Exception as exc:  # the cache is down: the question still works
        logger.warning("Could not bound the stored questions: %s", exc)
    return question_context(key, store.challenge)


_STORED_COUNT_KEY = "comments:questions-stored"


def _keep_few_per_client(client, key):
    cache_key = f"comments:questions:{client}"
    keys = [*(cache.get(cache_key) or []), key]
    limit = settings.COMMENTS_LIVE_QUESTIONS_PER_CLIENT
    if len(keys) > limit:
        CaptchaStore.objects.filter(hashkey__in=keys[:-limit]).delete()
        keys = keys[-limit:]
    cache.set(cache_key, keys, timeout=settings.CAPTCHA_TIMEOUT * 60)


def question_context(key, challenge):
    image_mode = settings.COMMENTS_CAPTCHA_IMAGE
    return {
        "key": key,
        "question": "" if image_mode else challenge,
        "spoken": "" if image_mode else question_in_words(challenge),
        "image_url": reverse("captcha-image", args=[key]) if image_mode else "",
        "image_url_2x": reverse("captcha-image-2x", args=[key]) if image_mode else "",
    }


class QuestionWidget(forms.MultiWidget):
    """Hidden key + answer box. Renders no key until the form asks for one.

    The statement page is cached and shared: a key in it would be handed to
    every visitor. The key arrives per visitor from the question endpoint (with
    JavaScript) or with the re-rendered form after a post (without).
    """

    template_name = "comments/widgets/question.html"

    def __init__(self, attrs=None):
        answer_attrs = {
            "inputmode": "numeric",
            "autocomplete": "off",
            "autocapitalize": "off",
            "spellcheck": "false",
            "size": "4",
            "maxlength": "6",
            **(attrs or {}),
        }
        super().__init__(
            [
                forms.HiddenInput(attrs={"autocomplete": "off"}),
                forms.TextInput(answer_attrs),
            ]
        )
        self.question = None

    def decompress(self, value):
        return value.split(",", 1) if value else [None, None]

    def id_for_label(self, id_):
        return f"{id_}_1" if id_ else id_

    def get_context(self, name, value, attrs):
        # The typed answer is never echoed: a question is answered once.
        key = self.question["key"] if self.question else ""
        context = super().get_context(name, [key, ""], attrs)
        context["question"] = self.question
        context["image_mode"] = settings.COMMENTS_CAPTCHA_IMAGE
        answer = context["widget"]["subwidgets"][1]["attrs"]
        if not context["image_mode"]:
            spoken_id = f"{answer.get('id', 'id_captcha_1')}_spoken"
            answer["aria-describedby"] = " ".join(
                filter(None, [spoken_id, answer.get("aria-describedby")])
            )
        context["widget"]["subwidgets"][0]["attrs"].pop("aria-describedby", None)
        context["widget"]["subwidgets"][0]["attrs"].pop("aria-invalid", None)
        return context


def normalize_answer(raw):
    answer = (raw or "").strip()
    # Accept "07", full-width and other decimal digits; "²" is no answer, not a crash.
    number = whole_number(answer, max_digits=6)
    return str(number) if number is not None else answer.lower()


class SingleUseCaptchaField(CaptchaField):
    default_error_messages = {
        "required": _("Please answer the question."),
        "invalid": _("That answer was not right. Here is a new question."),
        "expired": _("That question has expired or was already used. Here is a new one."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", QuestionWidget())
        kwargs.setdefault("error_messages", dict(self.default_error_messages))
        super().__init__(**kwargs)

    def clean(self, value):
        # MultiValueField.clean does the required and NUL-byte checks.
        forms.MultiValueField.clean(self, value)
        key, answer = (value[0] or "").strip(), normalize_answer(value[1])
        if captcha_settings.CAPTCHA_TEST_MODE and answer == "passed":
            CaptchaStore.objects.filter(hashkey=key).delete()
            return value
        now = timezone.now()
        # Check and consume in one statement: of two simultaneous posts of one
        # solved question, only one can delete the row.
        consumed, _by_model = CaptchaStore.objects.filter(
            hashkey=key, response=answer, expiration__gt=now
        ).delete()
        if consumed == 1:
            return value
        # Any attempt burns the question, right or wrong, so it cannot be retried.
        attempted = CaptchaStore.objects.filter(hashkey=key)
        live = attempted.filter(expiration__gt=now).exists()
        attempted.delete()
        if live:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        # Unknown, expired, already used, or purged by captcha_clean.
        raise ValidationError(self.error_messages["expired"], code="expired")
