"""CPU per uncached request: our statement page against a Wagtail page with the same content.

    .venv/bin/python bench/wagtail_compare.py [--passes 5] [--renders 100] [--venv DIR]

Wagtail is no dependency of this project: the script makes a virtualenv of its
own (by default under ~/.cache/advocacy-bench/, reused while it holds the
Wagtail it asks for) and installs Wagtail there with pip. bench/wagtail_site is
a minimal Wagtail project (`wagtail start`'s settings, DEBUG off) with a
StatementPage, an image model with caption and credit, organizations as
snippets and threaded comments with a comment form; bench/wagtail_site/load.py
loads bench/reference.py's statement into it, the same texts bench/dataset.py
loads into ours, and checks that the page shows them.

Each site gets a throwaway SQLite database (ours prepared as bench/compare.py
does it). bench/inprocess.py then measures both pages the same way (Django's
test client, page cache off, warm-up, time.process_time), taking turns, several
passes; the best pass of each is reported (other processes only ever add
time), with the ratio ours / Wagtail.
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from compare import HOST, prepare

REPO = Path(__file__).resolve().parent.parent
SITE = REPO / "bench" / "wagtail_site"
WAGTAIL = "wagtail>=6.3,<7"
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "advocacy-bench"


def run(python, cwd, env, *args):
    result = subprocess.run([python, *args], cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode:
        sys.exit(
            f"{' '.join(map(str, [python, *args]))} failed:\n{result.stdout}\n{result.stderr}"
        )
    return result.stdout


def wagtail_python(venv):
    """The virtualenv's interpreter, with Wagtail installed there first if need be."""
    python = venv / "bin" / "python"
    marker = venv / "installed.txt"
    if not (python.exists() and marker.exists() and marker.read_text() == WAGTAIL):
        print(f"installing {WAGTAIL} into {venv} …", flush=True)
        run(sys.executable, REPO, os.environ, "-m", "venv", "--clear", str(venv))
        run(python, REPO, os.environ, "-m", "pip", "install", "--quiet", WAGTAIL)
        marker.write_text(WAGTAIL)
    return python


def prepare_wagtail(python, work):
    env = {key: value for key, value in os.environ.items() if key in {"PATH", "LANG", "TMPDIR"}}
    env.update(
        HOME=str(work),
        PYTHONPATH=str(SITE),
        DJANGO_SETTINGS_MODULE="benchsite.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        SQLITE_PATH=str(work / "wagtail.sqlite3"),
        MEDIA_ROOT=str(work / "media"),
        STATIC_ROOT=str(work / "static"),
    )
    run(python, SITE, env, "manage.py", "migrate", "--noinput", "--verbosity", "0")
    run(python, SITE, env, "manage.py", "collectstatic", "--noinput", "--verbosity", "0")
    path = json.loads(run(python, SITE, env, "load.py").splitlines()[-1])["path"]
    return env, path


def versions(python, cwd, env):
    code = "import django; print('Django', django.get_version(), end='')\n"
    code += "try:\n import wagtail; print(', Wagtail', wagtail.__version__, end='')\n"
    code += "except ImportError: pass"
    return run(python, cwd, env, "-c", code)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--renders", type=int, default=100)
    parser.add_argument("--venv", type=Path, default=CACHE / "wagtail-6")
    options = parser.parse_args()
    python = wagtail_python(options.venv.resolve())
    print("load average before:", " ".join(f"{load:.2f}" for load in os.getloadavg()))
    with tempfile.TemporaryDirectory(prefix="advocacy-wagtail-") as tmp:
        (Path(tmp) / "ours").mkdir()
        (Path(tmp) / "wagtail").mkdir()
        env, path = prepare(REPO, Path(tmp) / "ours")
        sites = {"ours": (sys.executable, REPO, env, path)}
        env, path = prepare_wagtail(python, Path(tmp) / "wagtail")
        sites["wagtail"] = (python, SITE, env, path)
        for name, (python, cwd, env, _path) in sites.items():
            print(f"{name:<8} {versions(python, cwd, env)}")
        best = {}
        for number in range(options.passes):
            # Alternate who goes first, so a slow stretch of the machine weighs on both.
            for name in sorted(sites, reverse=bool(number % 2)):
                python, cwd, env, path = sites[name]
                output = run(python, cwd, env, REPO / "bench" / "inprocess.py", path,
                             "--renders", str(options.renders))  # fmt: skip
                result = json.loads(output.splitlines()[0])[0]
                if name not in best or result["cpu_ms"] < best[name]["cpu_ms"]:
                    best[name] = result
                print(
                    f"pass {number + 1} {name:<8} {result['cpu_ms']:6.2f} ms CPU, "
                    f"{result['queries']} queries, {result['bytes']} bytes",
                    flush=True,
                )
    print("load average after:", " ".join(f"{load:.2f}" for load in os.getloadavg()))
    ours, wagtail = best["ours"]["cpu_ms"], best["wagtail"]["cpu_ms"]
    print(
        f"\nbest of {options.passes} passes of {options.renders} renders, CPU ms per request:\n"
        f"  ours {ours:.2f}  Wagtail {wagtail:.2f}  ratio ours / Wagtail {ours / wagtail:.2f}"
    )


if __name__ == "__main__":
    main()
