"""What a statement's language decides: its name, its direction, how search reads it.

A statement may be in any language Django knows (Persian, Russian, Turkish …),
not only in the interface's (settings.LANGUAGES). Codes are Django's
("es", "pt-br", "zh-hans"); what is not known per code is looked up by its
base language ("pt" for "pt-br").
"""

from django.conf import global_settings, settings
from django.utils.translation import get_language_info, gettext_lazy

# PostgreSQL's text-search configurations (PostgreSQL 15 ships these); a
# language without one is searched word by word ("simple": no stemming).
_SEARCH_CONFIGS = {
    "ar": "arabic",
    "ca": "catalan",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "eu": "basque",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hi": "hindi",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "nb": "norwegian",
    "ne": "nepali",
    "nl": "dutch",
    "nn": "norwegian",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
}
FALLBACK_SEARCH_CONFIG = "simple"


class Listed:
    """A language as the lists of statements link it."""

    def __init__(self, code, count=None):
        self.code, self.count = code, count

    @property
    def is_known(self):
        return self.code in {code for code, _ in global_settings.LANGUAGES}

    @property
    def name(self):
        return display_name(self.code)

    @property
    def direction(self):
        return direction(self.code)

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("statements:language", kwargs={"code": self.code})


def choices():
    """Every language Django names, the interface's own first (in their own names).

    The others are named in the interface's language (Django's own catalogue).
    """
    own = [code for code, _ in settings.LANGUAGES]
    rest = [
        (code, gettext_lazy(name)) for code, name in global_settings.LANGUAGES if code not in own
    ]
    return [(code, name_local(code)) for code in own] + rest


def default():
    return settings.LANGUAGE_CODE


def interface_language(code):
    """The interface language for a page in `code`: itself if translated, else the site's."""
    own = {c for c, _ in settings.LANGUAGES}
    for candidate in (code, _base(code)):
        if candidate in own:
            return candidate
    return settings.LANGUAGE_CODE


def display_name(code):
    """The name as a list of languages shows it: "Español", "العربيّة"."""
    name = name_local(code)
    return name[:1].upper() + name[1:]


def _base(code):
    return code.split("-")[0].lower()


def _info(code):
    try:
        return get_language_info(code)
    except KeyError:
        try:
            return get_language_info(_base(code))
        except KeyError:
            return {"bidi": False, "name_local": code, "code": code}


def name_local(code):
    """The language's name in that language ("Español", "العربية")."""
    return _info(code)["name_local"]


def is_rtl(code):
    return bool(_info(code)["bidi"])


def direction(code):
    return "rtl" if is_rtl(code) else "ltr"


def search_config(code):
    return _SEARCH_CONFIGS.get(_base(code), FALLBACK_SEARCH_CONFIG)


def codes_for_config(config):
    """The language codes whose statements are indexed with `config`."""
    return [code for code, _ in global_settings.LANGUAGES if search_config(code) == config]


_IN_USE_KEY = "statements:languages-in-use"


def in_use(*, using="default"):
    """The languages statements are written in (cached; see noticed())."""
    from django.core.cache import cache

    from .models import Statement

    try:
        found = cache.get(_IN_USE_KEY)
    except Exception:  # the cache being down must not take search down
        found = None
    if found is None:
        found = sorted(
            Statement.objects.using(using).order_by().values_list("language", flat=True).distinct()
        )
        try:
            cache.set(_IN_USE_KEY, found, timeout=3600)
        except Exception:
            pass
    return found or [default()]


def noticed(code):
    """A statement was saved in `code`: a language new to the site is searched at once."""
    from django.core.cache import cache

    try:
        found = cache.get(_IN_USE_KEY)
        if found is not None and code not in found:
            cache.delete(_IN_USE_KEY)
    except Exception:
        pass
