"""CPU per uncached request of two checkouts, measured in one run.

    python bench/compare.py /path/to/baseline /path/to/candidate [--passes 5] [--renders 100]

For each checkout: a throwaway SQLite database is migrated and loaded with
bench/dataset.py's data, then bench/inprocess.py measures the statement page
(50 comments) and the home page with the production settings and the page
cache off, as bench/run.py runs it. The checkouts take turns, several passes
each, so a busy machine weighs on both alike; the best pass of each is
reported (other processes only ever add time), with the ratio
candidate / baseline. Each checkout runs with its own directory as cwd and
PYTHONPATH, with this interpreter (one virtualenv serves both; it needs the
packages of both).
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

HOST = "bench.invalid"


def run(checkout, env, *args):
    result = subprocess.run(
        [sys.executable, *args], cwd=checkout, env=env, capture_output=True, text=True
    )
    if result.returncode:
        sys.exit(f"{checkout}: {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare(checkout, work):
    env = {key: value for key, value in os.environ.items() if key in {"PATH", "LANG", "TMPDIR"}}
    env.update(
        HOME=str(work),
        PYTHONPATH=str(checkout),
        DJANGO_SETTINGS_MODULE="advocacy.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        DATABASE_URL=f"sqlite:///{work / 'bench.sqlite3'}",
        MEDIA_ROOT=str(work / "media"),
        STATIC_ROOT=str(work / "static"),
        CACHE_URL=f"file://{work / 'cache'}",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        LOG_LEVEL="WARNING",
    )
    # The imports must come from this checkout, not from the installed one.
    where = run(checkout, env, "-c", "import advocacy; print(advocacy.__file__)").strip()
    if not Path(where).resolve().is_relative_to(Path(checkout).resolve()):
        sys.exit(f"{checkout}: advocacy is imported from {where}")
    run(checkout, env, "manage.py", "migrate", "--noinput")
    run(checkout, env, "manage.py", "collectstatic", "--noinput", "--verbosity", "0")
    data = json.loads(run(checkout, env, "bench/dataset.py").splitlines()[-1])
    return {**env, "PAGE_CACHE_SECONDS": "0"}, data["path"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("baseline")
    parser.add_argument("candidate")
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--renders", type=int, default=100)
    options = parser.parse_args()
    checkouts = {"baseline": options.baseline, "candidate": options.candidate}
    with tempfile.TemporaryDirectory(prefix="advocacy-compare-") as tmp:
        prepared = {}
        for name, checkout in checkouts.items():
            work = Path(tmp) / name
            work.mkdir()
            prepared[name] = prepare(Path(checkout).resolve(), work)
        best = {name: {} for name in checkouts}
        for number in range(options.passes):
            for name, checkout in checkouts.items():
                env, path = prepared[name]
                output = run(
                    checkout,
                    env,
                    "bench/inprocess.py",
                    path,
                    "/",
                    "--renders",
                    str(options.renders),
                )
                for result in json.loads(output.splitlines()[0]):
                    page = "statement" if result["path"] == path else "home"
                    previous = best[name].get(page)
                    if previous is None or result["cpu_ms"] < previous["cpu_ms"]:
                        best[name][page] = result
                    print(
                        f"pass {number + 1} {name:<9} {page:<9} {result['cpu_ms']:6.2f} ms CPU, "
                        f"{result['queries']} queries, {result['bytes']} bytes",
                        flush=True,
                    )
    print("\nbest of the passes, CPU ms per request:")
    for page in ("statement", "home"):
        base, cand = best["baseline"][page]["cpu_ms"], best["candidate"][page]["cpu_ms"]
        print(f"  {page:<9} baseline {base:6.2f}  candidate {cand:6.2f}  ratio {cand / base:.2f}")


if __name__ == "__main__":
    main()
