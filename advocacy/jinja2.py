"""The Jinja2 environment of the public pages (TEMPLATES in settings).

The public pages are rendered by Jinja2, which compiles each template to
Python once; Django's template language walks a node tree on every render,
which made it most of a statement page's CPU (docs/performance.md). The admin
and mails stay on Django's templates.

What every template may use is set here; what belongs to one app (its
template functions) that app adds with a Jinja2 extension named in
settings, so this project package imports nothing from the apps.
"""

import functools

from django.forms.renderers import BaseRenderer
from django.template import engines
from django.template.defaultfilters import date, linebreaksbr, pluralize
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from jinja2 import Environment
from markupsafe import Markup

# A file's address (with its content hash, from the manifest) does not change
# while the process runs; the storage's look-up costs ~25 µs a call.
static_url = functools.lru_cache(maxsize=512)(static)


def url(name, *args, **kwargs):
    """`{{ url("statements:topic", topic.slug) }}`: Django's reverse()."""
    return reverse(name, args=args or None, kwargs=kwargs or None)


@functools.lru_cache(maxsize=4096)
def _translated(language, message):
    return Markup(translation.gettext(message))


@functools.lru_cache(maxsize=4096)
def _translated_alone(language, message):
    # Formatted with no variables all the same, as Jinja2 does: "%%" → "%".
    return _translated(language, message) % {}


def gettext(message, **variables):
    """`{{ _("Topic: %(name)s", name=topic.name) }}`, as Jinja2's newstyle gettext.

    The translation is markup (a translator may write <em>), each variable is
    escaped. Looked up once per language and message: through Django's and
    Jinja2's wrappers each call cost ~8 µs, 0.27 ms of a statement page.
    """
    if not variables:
        return _translated_alone(translation.get_language(), message)
    return _translated(translation.get_language(), message) % variables


def ngettext(singular, plural, number, **variables):
    variables.setdefault("num", number)
    return Markup(translation.ngettext(singular, plural, number)) % variables


def environment(**options):
    options.setdefault("extensions", [])
    if "jinja2.ext.i18n" not in options["extensions"]:
        options["extensions"] = ["jinja2.ext.i18n", *options["extensions"]]
    env = Environment(**options)
    # Django's catalogues: {{ _("Archive") }}, {% trans %}…{% endtrans %}, with
    # %(name)s placeholders filled after translation (newstyle).
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext)
    env.globals.update(
        static=static_url,
        url=url,
        get_language=translation.get_language,
        get_language_bidi=translation.get_language_bidi,
    )
    env.filters.update(date=date, linebreaksbr=linebreaksbr, pluralize=pluralize)
    return env


class PublicFormRenderer(BaseRenderer):
    """Renders a public form's inputs with the public pages' Jinja2 engine.

    Set as a public form's `default_renderer`; the admin's forms keep Django's
    renderer and templates. Through Django's template language each input of
    the comment form cost about 170 µs, a tenth of the statement page.
    """

    def get_template(self, template_name):
        return engines["jinja2"].get_template(template_name)
