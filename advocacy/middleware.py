import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(query_dict):
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in query_dict.lists()
    )


def handles_null_characters(view):
    """Mark a view whose form reports NUL characters as a field error itself.

    The comment form does: a visitor who pasted one gets their text back with
    a message, instead of a bare 400 page that loses it.
    """
    view.handles_null_characters = True
    return view


class RejectNullCharactersMiddleware:
    """Answer 400 to a NUL character in the path, query string or form data.

    PostgreSQL cannot store or compare NUL, and psycopg2 raises on a lookup
    with one (a 500 on any view that filters by a raw parameter, the admin's
    list filters included); SQLite hides the problem. Rejecting it here covers
    every view at once.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _has_nul(request.GET):
            return HttpResponseBadRequest("Null characters are not allowed in addresses.")
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if "\x00" in "".join(str(v) for v in view_kwargs.values()):
            return HttpResponseBadRequest("Null characters are not allowed in addresses.")
        if getattr(view_func, "handles_null_characters", False):
            return None
        if request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
            if _has_nul(request.POST):
                return HttpResponseBadRequest("Null characters are not allowed in form data.")
        return None


_DATABASE_ERROR_SEEN = "_database_unavailable"
_TYPED_FIELDS = "_typed_fields_to_keep"


def keeps_typed_text(fields):
    """Mark a form view whose posted text the 503 page gives back: {field name: label}.

    During a database outage the page with the form cannot be shown, so the
    "back in a moment" page shows what the visitor wrote, to copy and post later.
    """

    def mark(view):
        view.keeps_typed_text = fields
        return view

    return mark


def is_database_unavailable(exception):
    """Is this the database being away (503), rather than a bug in a query (500)?

    psycopg2 raises OperationalError when the server is down, restarting or
    unreachable; SQLite raises it for SQL errors too, so there only a busy
    database counts. Every other error stays a 500, so bugs are not hidden.
    """
    if isinstance(exception, InterfaceError):
        return True
    if not isinstance(exception, OperationalError):
        return False
    if connection.vendor != "sqlite":
        return True
    return any(sign in str(exception) for sign in SQLITE_UNAVAILABLE)


# SQLite's OperationalErrors that mean "not now" rather than "bad SQL".
SQLITE_UNAVAILABLE = (
    "database is locked",
    "unable to open database file",
    "disk I/O error",
    "database or disk is full",
)


def _note_database_error(sender, request=None, **kwargs):
    """Mark a request whose unhandled exception (a 500 on its way) was a database error.

    Django sends got_request_exception inside its `except` block, before it
    renders the 500 page: this is the one place that still sees the exception of
    a middleware's process_response (the session saved after a comment was
    committed, say), which process_exception never gets.
    """
    if request is not None and is_database_unavailable(sys.exc_info()[1]):
        setattr(request, _DATABASE_ERROR_SEEN, True)


got_request_exception.connect(_note_database_error, dispatch_uid="advocacy-database-unavailable")


class DatabaseUnavailableMiddleware:
    """While the database is unreachable, answer 503 with Retry-After, not a 500.

    A restart or failover of PostgreSQL takes seconds; browsers, crawlers and
    proxies understand 503 + Retry-After as "come back soon", and nothing a
    visitor sent is half-stored because every write runs in a transaction.

    Views' database errors arrive in process_exception; those of the middleware
    below this one (sessions, messages, auth) have already become a 500 response
    by then, which __call__ turns into the same 503.
    """

    RETRY_AFTER_SECONDS = 30

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, _DATABASE_ERROR_SEEN, False):
            return self.unavailable(request)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        setattr(request, _TYPED_FIELDS, getattr(view_func, "keeps_typed_text", None))

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        logger.error("Database unavailable: %s", exception)
        return self.unavailable(request)

    def unavailable(self, request):
        fields = getattr(request, _TYPED_FIELDS, None) if request.method == "POST" else None
        typed = [
            {"label": label, "value": request.POST.get(name, "")}
            for name, label in (fields or {}).items()
            if request.POST.get(name, "").strip()
        ]
        response = HttpResponse(render_to_string("503.html", {"typed": typed}), status=503)
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
