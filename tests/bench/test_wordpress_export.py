"""The benchmark's generated export imports whole: posts, comments and photos."""

import pytest

from bench.wordpress_export import generate
from comments.models import Comment
from statements.models import Image, Statement
from wordpress.importer import Importer, Options

pytestmark = pytest.mark.django_db


def test_a_small_generated_export_imports_completely(tmp_path):
    path = generate(tmp_path, posts=6, comments=40, images=3, say=lambda *a: None)
    report = Importer(path, Options(media_dirs=[str(tmp_path / "uploads")])).run()
    assert not report.fatal
    assert report.counts["post"]["created"] == 6
    assert report.counts["comment"]["created"] == 40
    assert report.counts["attachment"]["created"] == 3
    assert Statement.objects.count() == 6
    assert Comment.objects.filter(parent__isnull=False).exists()
    assert Image.objects.count() == 3
    assert all(s.body_images.exists() for s in Statement.objects.all())
