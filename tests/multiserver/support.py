"""What the multi-server tests share: the stack's shell and database, logging in, forms."""

import json
import re
import time
from contextlib import closing
from html.parser import HTMLParser

from tests import factories
from tests.reliability.live import Client, comment_form, manage


def shell(stack, code):
    return manage(stack.env, "shell", "--no-imports", "-c", code)


def query(stack, sql, params=()):
    with closing(stack.cluster.connect()) as conn, conn.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def db_answer(cluster, key):
    """The answer stored for a question, read as a test may (never by a bot)."""
    with closing(cluster.connect()) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT response FROM captcha_captchastore WHERE hashkey = %s", [key])
        row = cursor.fetchone()
    return row[0] if row else ""


def post_comment(client, stack, slug, body):
    question = json.loads(client.get("/comments/question/").body)
    answer = db_answer(stack.cluster, question["key"])
    return client.post_form(
        f"/comments/statements/{slug}/post/", comment_form(question, answer, body=body)
    )


def login(port, username):
    staff = Client(port)
    assert staff.get("/admin/login/").status == 200
    response = staff.post_form(
        "/admin/login/?next=/admin/",
        {
            "csrfmiddlewaretoken": staff.cookies["csrftoken"],
            "username": username,
            "password": factories.PASSWORD,
            "next": "/admin/",
        },
    )
    assert response.status == 302, response.text[:300]
    return staff


class _FormFields(HTMLParser):
    """What a browser would post for the form with id `form_id`: (name, value) pairs."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.pairs = form_id, False, []
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.pairs.append((name, attrs.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.pairs.append((self._select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.pairs.append((self._textarea[0], self._textarea[1].removeprefix("\n")))
            self._textarea = None


def form_fields(html, form_id):
    reader = _FormFields(form_id)
    reader.feed(html)
    return reader.pairs


def publish_in_admin(editor, pk):
    """Publish draft `pk` now through its change form, read and posted back as a browser would."""
    change = f"/admin/statements/statement/{pk}/change/"
    form = editor.get(change)
    assert form.status == 200
    fields = [(k, v) for k, v in form_fields(form.text, "statement_form") if k != "status"]
    now = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()).split()  # TIME_ZONE is UTC there
    fields = [(k, v) for k, v in fields if k not in ("publish_at_0", "publish_at_1")]
    fields += [("status", "published"), ("publish_at_0", now[0]), ("publish_at_1", now[1])]
    fields += [("_save", "Save")]
    saved = editor.post_form(change, fields)
    assert saved.status == 302, re.findall(r'class="errorlist[^>]*>(.*?)</ul>', saved.text, re.S)
    return saved


def upload_image(staff, alt_text, content, filename="phone-photo.jpg"):
    """Upload a photo to the image library through the admin's add form."""
    add = "/admin/statements/image/add/"
    form = staff.get(add)
    assert form.status == 200
    fields = [(k, v) for k, v in form_fields(form.text, "image_form") if k != "alt_text"]
    fields += [("alt_text", alt_text), ("_save", "Save")]
    return staff.post_multipart(add, fields, {"file": (filename, content)})
