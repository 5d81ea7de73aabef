"""The subscriber's pages: subscribe, confirm, preferences, unsubscribe (thin: subscribing decides).

CSRF: none of these views acts on a cookie, a session or a login. The
subscribe form acts for whoever types an address (which double opt-in and
the hourly limit guard), and the others for whoever holds the signed link
mailed to the address; a forged cross-site post can do nothing its author
could not post himself. So they are exempt: the form stays in cached pages
with no per-visitor token, and the one-click unsubscribe works as RFC 8058
requires (a POST with no cookie and no token). Every answer is never cached.
"""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, TemplateView

from advocacy.security import client_ip

from . import replies, subscribing, tokens
from .forms import ChoicesForm, SubscribeForm
from .models import Subscriber

RATE_WINDOW_SECONDS = 600

exempt = [csrf_exempt, never_cache]


def _rate_limited(request):
    """More than SUBSCRIPTIONS_RATE_LIMIT posts from this address in ten minutes."""
    key = f"subscriptions:rate:{client_ip(request)}"
    try:
        cache.add(key, 0, RATE_WINDOW_SECONDS)
        return cache.incr(key) > settings.SUBSCRIPTIONS_RATE_LIMIT
    except Exception:  # a cache that is down does not stop subscriptions
        return False


@method_decorator(exempt, name="dispatch")
class SubscribeView(FormView):
    """/subscribe/: the full form; the small form on other pages posts here too."""

    template_name = "subscriptions/subscribe.html"
    form_class = SubscribeForm

    def get_initial(self):
        return {"source": self.request.GET.get("from", "")[:500]}

    def get_context_data(self, **kwargs):
        return super().get_context_data(consent_text=subscribing.consent_text(), **kwargs)

    def form_valid(self, form):
        if _rate_limited(self.request):
            form.add_error(None, _("Too many requests from your address. Please try again later."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        subscribing.subscribe(
            form.cleaned_data["email"],
            source_url=form.cleaned_data["source"] or self.request.path,
            **form.choices(),
        )
        return HttpResponseRedirect(reverse("subscriptions:sent"), status=303)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


@method_decorator(never_cache, name="dispatch")
class SentView(TemplateView):
    """The same answer whatever the address was: new, pending, subscribed or suppressed."""

    template_name = "subscriptions/sent.html"


class TokenMixin:
    """Finds the subscriber a signed link names; a bad or expired link is a 404 page."""

    find = staticmethod(tokens.subscriber_to_manage)
    invalid_template = "subscriptions/invalid_link.html"

    def dispatch(self, request, *args, **kwargs):
        self.subscriber = self.find(kwargs["token"])
        if self.subscriber is None:
            return self.response_class(
                request=request, template=[self.invalid_template], status=404, using="jinja2"
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(subscriber=self.subscriber, **kwargs)


@method_decorator(exempt, name="dispatch")
class ConfirmView(TokenMixin, TemplateView):
    """GET shows a button (mail scanners follow links); the POST confirms."""

    template_name = "subscriptions/confirm.html"
    find = staticmethod(tokens.subscriber_to_confirm)

    def post(self, request, token):
        confirmed = subscribing.confirm(self.subscriber)
        return self.render_to_response(
            self.get_context_data(
                done=True,
                confirmed=confirmed,
                preferences_url=reverse(
                    "subscriptions:preferences", args=[tokens.manage_token(self.subscriber)]
                ),
            )
        )


@method_decorator(exempt, name="dispatch")
class UnsubscribeView(TokenMixin, TemplateView):
    """The List-Unsubscribe address: GET asks, POST (one-click or the button) unsubscribes."""

    template_name = "subscriptions/unsubscribe.html"

    def post(self, request, token):
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        method = Subscriber.Method.ONE_CLICK if one_click else Subscriber.Method.LINK
        subscribing.unsubscribe(self.subscriber, method)
        return self.render_to_response(self.get_context_data(done=True))


@method_decorator(exempt, name="dispatch")
class PreferencesView(TokenMixin, FormView):
    template_name = "subscriptions/preferences.html"
    form_class = ChoicesForm

    def get_initial(self):
        subscriber = self.subscriber
        return {
            "scope": subscriber.scope,
            "topics": list(subscriber.topics.all()),
            "organizations": list(subscriber.organizations.all()),
            "frequency": subscriber.frequency,
        }

    def get_context_data(self, **kwargs):
        token = self.kwargs["token"]
        return super().get_context_data(
            unsubscribe_url=reverse("subscriptions:unsubscribe", args=[token]), **kwargs
        )

    def form_valid(self, form):
        self.subscriber = subscribing.change(self.subscriber, **form.choices())
        return self.render_to_response(self.get_context_data(form=form, saved=True))

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


@method_decorator(exempt, name="dispatch")
class RepliesView(TokenMixin, TemplateView):
    """Reply notifications: confirm the address, or stop them (one thread, or all).

    GET asks with a button; the POST acts (a one-click POST for the thread's
    List-Unsubscribe header too).
    """

    template_name = "subscriptions/replies.html"
    salt = replies.STOP_SALT

    def dispatch(self, request, *args, **kwargs):
        self.find = lambda token: replies.follow_for(token, self.salt)
        return super().dispatch(request, *args, **kwargs)

    def texts(self, done):
        email = self.subscriber.email
        if self.salt == replies.CONFIRM_SALT:
            if done:
                return (
                    _("You will be mailed replies"),
                    _("Approved replies to your comments will come to %(email)s.")
                    % {"email": email},
                    None,
                )
            return (
                _("Email me replies"),
                _("Mail approved replies to your comment to %(email)s?") % {"email": email},
                _("Yes, email me replies"),
            )
        every = self.salt == replies.STOP_ALL_SALT
        if done:
            return (
                _("No more reply mail"),
                (
                    _("%(email)s will get no mail about replies to any comment.")
                    if every
                    else _("%(email)s will get no more mail about replies to this comment.")
                )
                % {"email": email},
                None,
            )
        return (
            _("Stop reply mail"),
            (
                _("Stop mailing %(email)s about replies to any comment?")
                if every
                else _("Stop mailing %(email)s about replies to this comment?")
            )
            % {"email": email},
            _("Stop"),
        )

    def get_context_data(self, done=False, **kwargs):
        heading, text, button = self.texts(done)
        return super().get_context_data(heading=heading, text=text, button=button, **kwargs)

    def post(self, request, token):
        if self.salt == replies.CONFIRM_SALT:
            replies.confirm(self.subscriber)
        else:
            replies.stop(self.subscriber, every_thread=self.salt == replies.STOP_ALL_SALT)
        return self.render_to_response(self.get_context_data(done=True))
