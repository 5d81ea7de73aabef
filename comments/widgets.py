"""The comment form's inputs, written out here instead of by Django's form templates.

The form is on every statement page that is rendered, and through the form
templates each input cost about 170 µs (the renderer, input.html, then
attrs.html: a loop and two conditions per attribute), a tenth of the page.
These produce the same markup as Django's django/forms/widgets/input.html and
textarea.html, escaping every value the same way.
"""

import html

from django import forms
from django.utils.safestring import SafeString


def _attributes(attrs):
    # As attrs.html: False leaves an attribute out, True writes its name alone.
    return "".join(
        f" {name}" if value is True else f' {name}="{html.escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def input_markup(widget):
    """An `<input>` from a widget's template context (`context["widget"]`)."""
    value = widget["value"]
    value = "" if value is None else f' value="{html.escape(str(value))}"'
    return SafeString(
        f'<input type="{html.escape(widget["type"])}" name="{html.escape(widget["name"])}"'
        f"{value}{_attributes(widget['attrs'])}>"
    )


def textarea_markup(widget):
    value = widget["value"]
    text = html.escape(str(value)) if value else ""
    return SafeString(
        f'<textarea name="{html.escape(widget["name"])}"{_attributes(widget["attrs"])}>\n'
        f"{text}</textarea>"
    )


class _InputMarkup:
    def _render(self, template_name, context, renderer=None):
        return input_markup(context["widget"])


class TextInput(_InputMarkup, forms.TextInput):
    pass


class EmailInput(_InputMarkup, forms.EmailInput):
    pass


class URLInput(_InputMarkup, forms.URLInput):
    pass


class HiddenInput(_InputMarkup, forms.HiddenInput):
    pass


class Textarea(forms.Textarea):
    def _render(self, template_name, context, renderer=None):
        return textarea_markup(context["widget"])
