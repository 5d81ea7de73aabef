"""A visitor's own pending comments, remembered in their session only."""

SESSION_KEY = "own_comment_ids"
MAX_REMEMBERED = 50


def own_comment_ids(request):
    session = getattr(request, "session", None)
    if session is None or SESSION_KEY not in session:
        return []
    return [i for i in session.get(SESSION_KEY, []) if isinstance(i, int)]


def remember_own_comment(request, comment):
    ids = [i for i in own_comment_ids(request) if i != comment.pk]
    request.session[SESSION_KEY] = [*ids, comment.pk][-MAX_REMEMBERED:]
