"""The Jinja2 environment of the public pages (TEMPLATES in settings).

The public pages are rendered by Jinja2, which compiles each template to
Python once; Django's template language walks a node tree on every render,
which made it most of a statement page's CPU (docs/performance.md). The admin
and mails stay on Django's templates.

What every template may use is set here; what belongs to one app (its
template functions) that app adds with a Jinja2 extension named in
settings, so this project package imports nothing from the apps.
"""

from django.forms.renderers import BaseRenderer
from django.forms.utils import flatatt
from django.template import engines
from django.template.defaultfilters import date, linebreaksbr, pluralize
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from jinja2 import Environment


def url(name, *args, **kwargs):
    """`{{ url("statements:topic", topic.slug) }}`: Django's reverse()."""
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options):
    options.setdefault("extensions", [])
    if "jinja2.ext.i18n" not in options["extensions"]:
        options["extensions"] = ["jinja2.ext.i18n", *options["extensions"]]
    env = Environment(**options)
    # Django's catalogues: {{ _("Archive") }}, {% trans %}…{% endtrans %}, with
    # %(name)s placeholders filled after translation (newstyle).
    env.install_gettext_callables(translation.gettext, translation.ngettext, newstyle=True)
    env.globals.update(
        static=static, url=url, get_language=translation.get_language, flatatt=flatatt
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
