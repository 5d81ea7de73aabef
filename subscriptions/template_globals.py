"""subscribe_box(): the "Get new statements by email" form a public page shows (Jinja2 extension).

Shown on the home page, statement pages and topic and organization pages
(PAGES). It offers what the page is about (its topic, its organization, or
the statement's topics and organizations) besides every statement, and
posts to /subscribe/, which answers with its own page: the box carries
nothing per visitor, so the page around it stays cacheable. It reads only
what the page has in its context already: no query.
"""

from jinja2 import pass_context
from jinja2.ext import Extension

from .models import Subscriber

PAGES = {"statements:home", "statements:detail", "statements:topic", "statements:organization"}


class _Choice:
    def __init__(self, field, slug, name):
        self.field, self.slug, self.name = field, slug, name


@pass_context
def subscribe_box(context):
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name not in PAGES:
        return None
    choices = []
    if context.get("topic") is not None:
        choices.append(_Choice("topics", context["topic"].slug, context["topic"].name))
    elif context.get("organization") is not None:
        organization = context["organization"]
        choices.append(_Choice("organizations", organization.slug, organization.name))
    elif context.get("statement") is not None:
        choices += [_Choice("topics", t.slug, t.name) for t in context.get("topics") or []]
        choices += [
            _Choice("organizations", o.slug, o.name) for o in context.get("organizations") or []
        ]
    return {
        "choices": choices,
        "frequencies": Subscriber.Frequency.choices,
        "source": request.path,
    }


class SubscriptionGlobals(Extension):
    def __init__(self, environment):
        super().__init__(environment)
        environment.globals["subscribe_box"] = subscribe_box
