"""Settings for the test suite: the real settings, with fast hashing and private media."""

import os
import tempfile

# The test run is a development context: it may use the per-checkout key.
os.environ.setdefault("DEBUG", "1")

from .settings import *  # noqa: F403
from .settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = tempfile.mkdtemp(prefix="advocacy-test-media-")
PRIVATE_ROOT = tempfile.mkdtemp(prefix="advocacy-test-private-")
if STORAGES["private"]["BACKEND"].endswith("FileSystemStorage"):
    STORAGES["private"] = {**STORAGES["private"], "OPTIONS": {"location": PRIVATE_ROOT}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests read the mail outbox and the renditions right after the post: tasks run at
# once, in the test's process (the worker's own behaviour has its tests).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Posting right after rendering is what tests do; the delay rule has its own tests.
COMMENTS_MIN_SECONDS = 0
# Browser tests load uploaded images from the live server.
SERVE_MEDIA = True
