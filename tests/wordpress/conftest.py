import json

import pytest
from django.core.management import call_command
from PIL import Image as PILImage

from tests import factories


class Run:
    """One run of the command: its report (as JSON) and what it printed."""

    def __init__(self, report, output):
        self.report, self.output = report, output

    def count(self, kind, outcome):
        return self.report["counts"].get(kind, {}).get(outcome, 0)

    def reasons(self, outcome=None):
        return [
            e["reason"]
            for e in self.report["entries"]
            if outcome is None or e["outcome"] == outcome
        ]


@pytest.fixture
def run_import(tmp_path, capsys):
    def run(path, *args):
        report_path = tmp_path / f"report-{len(list(tmp_path.glob('report-*')))}.json"
        call_command("import_wordpress", str(path), "--report", str(report_path), *args)
        output = capsys.readouterr().out
        return Run(json.loads(report_path.read_text(encoding="utf-8")), output)

    return run


@pytest.fixture
def uploads(tmp_path):
    """A copy of the old site's wp-content/uploads with two photos (one with a GPS tag)."""
    root = tmp_path / "uploads"
    (root / "2023" / "05").mkdir(parents=True)
    exif = PILImage.Exif()
    exif[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPSLatitude
    (root / "2023" / "05" / "rally.jpg").write_bytes(
        factories.jpeg_bytes(640, 480, exif=exif.tobytes())
    )
    (root / "2023" / "05" / "march.jpg").write_bytes(factories.jpeg_bytes(320, 240))
    return root
