"""`make run` tells the site the address the development server listens on."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_DEFAULT = "http://127.0.0.1:8000"

pytestmark = pytest.mark.skipif(not shutil.which("make"), reason="needs make")


def planned_commands(tmp_path, *make_args, env_file=None, site_url=None):
    """The commands `make run` would run (make -n), in a scratch copy of the checkout's
    Makefile so that neither this checkout's .env nor its .venv play a part."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "pyproject.toml").write_text("")
    if env_file is not None:
        (tmp_path / ".env").write_text(env_file)
    env = {key: value for key, value in os.environ.items() if key != "SITE_URL"}
    if site_url is not None:
        env["SITE_URL"] = site_url
    result = subprocess.run(
        ["make", "-n", "run", *make_args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.splitlines(), env.get("SITE_URL"), env_file


def site_urls(planned, command):
    """The SITE_URL the site reads in each `manage.py <command>` that make run runs:
    the one set on the command line, else the environment's, else .env's
    (advocacy/settings.py), else the settings' default."""
    lines, environment, env_file = planned
    from_file = re.findall(r"^SITE_URL=(.*)$", env_file or "", re.M)
    found = []
    for line in lines:
        if f"manage.py {command}" in line:
            match = re.search(r"\bSITE_URL='?([^' ]*)'?", line)
            given = match[1] if match else None
            found.append(
                given
                or environment
                or (from_file[-1].strip() if from_file else None)
                or SETTINGS_DEFAULT
            )
    assert found, f"make run runs no manage.py {command}"
    return found


@pytest.mark.parametrize("command", ["load_demo", "runserver"])
def test_links_point_at_the_port_and_host_given(tmp_path, command):
    planned = planned_commands(tmp_path, "PORT=8101", "HOST=127.0.0.2")

    assert site_urls(planned, command) == ["http://127.0.0.2:8101"]


def test_default_address(tmp_path):
    planned = planned_commands(tmp_path)

    assert site_urls(planned, "runserver") == ["http://127.0.0.1:8000"]
    assert any("runserver 127.0.0.1:8000" in line for line in planned[0])


def test_site_url_from_the_environment_wins(tmp_path):
    planned = planned_commands(tmp_path, "PORT=8101", site_url="https://news.example.org")

    assert site_urls(planned, "load_demo") == ["https://news.example.org"]
    assert site_urls(planned, "runserver") == ["https://news.example.org"]


def test_site_url_from_dot_env_wins(tmp_path):
    planned = planned_commands(
        tmp_path, "PORT=8101", env_file="DEBUG=1\nSITE_URL=https://tunnel.example.org\n"
    )

    assert site_urls(planned, "load_demo") == ["https://tunnel.example.org"]
    assert site_urls(planned, "runserver") == ["https://tunnel.example.org"]
