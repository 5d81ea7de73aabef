"""A file mail backend that waits before writing: a mail server slow enough to kill a worker in."""

import os
import time

from django.core.mail.backends.filebased import EmailBackend as FileEmailBackend


class SlowFileEmailBackend(FileEmailBackend):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("file_path", os.environ["MAIL_DIR"])
        super().__init__(*args, **kwargs)

    def send_messages(self, email_messages):
        time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "0")))
        return super().send_messages(email_messages)
