"""The public pages' template engine (advocacy/jinja2.py): translations and escaping."""

from datetime import datetime

from django.template import engines
from django.utils import translation

from comments.thread import comment_date_text


def render(source, **context):
    return engines["jinja2"].from_string(source).render(context)


def test_a_string_is_translated_into_the_active_language_each_time():
    # "January" is in Django's own catalogues.
    with translation.override("de"):
        assert render('{{ _("January") }}') == "Januar"
    with translation.override("en"):
        assert render('{{ _("January") }}') == "January"
    with translation.override("fr"):
        assert render('{{ _("January") }}') == "janvier"


def test_variables_in_a_translated_string_are_escaped():
    html = render('{{ _("Topic: %(name)s", name=name) }}', name='<script>"x"</script>')
    assert html == "Topic: &lt;script&gt;&#34;x&#34;&lt;/script&gt;"


def test_plural_forms_follow_the_number():
    source = '{{ ngettext("%(num)d Response", "%(num)d Responses", n) }}'
    assert render(source, n=1) == "1 Response"
    assert render(source, n=3) == "3 Responses"


def test_a_comment_date_names_the_month_in_the_active_language():
    moment = datetime(2026, 1, 5, 9, 7)
    with translation.override("de"):
        assert comment_date_text(moment).startswith("Januar 5, 2026")
    with translation.override("en"):
        assert comment_date_text(moment) == "January 5, 2026 at 09:07"
