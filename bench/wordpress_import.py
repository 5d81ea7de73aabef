#!/usr/bin/env python3
"""Time `manage.py import_wordpress` on a generated export: docs/wordpress-import.md.

    .venv/bin/python bench/wordpress_import.py /tmp/wp-bench \
        --posts 10000 --comments 100000 --images 2000 \
        --database-url sqlite:////tmp/wp-bench/db.sqlite3

Writes the export and its uploads folder with bench/wordpress_export.py (once,
kept in the folder), migrates a new database (the URL must name one that does
not exist yet or is empty), runs the import as a child process and reports its
wall time per phase (from the import's own --report), items per second and peak
memory (the child's maximum resident set size), then runs it again (a re-run:
nothing to create). Media and the page cache live in the folder.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.wordpress_export import generate  # noqa: E402


def run_child(command, env):
    """(seconds, CPU seconds, peak resident MB) of one child process."""
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed with status {status}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--images", type=int, default=2_000)
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args(argv)

    folder = Path(args.folder)
    folder.mkdir(parents=True, exist_ok=True)
    export = folder / "export.xml"
    marker = folder / "export.json"
    wanted = {"posts": args.posts, "comments": args.comments, "images": args.images}
    if not export.exists() or not marker.exists() or json.loads(marker.read_text()) != wanted:
        generate(folder, **wanted)
        marker.write_text(json.dumps(wanted))
    python = str(ROOT / ".venv" / "bin" / "python")
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": args.database_url,
        "MEDIA_ROOT": str(folder / "media"),
        "CACHE_URL": os.environ.get("CACHE_URL", f"file://{folder / 'cache'}"),
    }
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    size_mb = export.stat().st_size / 1_048_576
    print(
        f"export: {size_mb:.0f} MB, {args.posts} posts, {args.comments} comments, {args.images} images"
    )
    for label in ("first run", "second run"):
        report_path = folder / f"report-{label.split()[0]}.json"
        seconds, cpu, peak = run_child(
            [python, "manage.py", "import_wordpress", str(export), "-v0",
             "--media-dir", str(folder / "uploads"), "--report", str(report_path)],
            env,
        )  # fmt: skip
        report = json.loads(report_path.read_text())
        phases = report["seconds"]
        content = phases.get("items", 0) + phases.get("finish", 0)
        posts = sum(report["counts"].get("post", {}).values())
        cpu_phases = report.get("cpu_seconds", {})
        load = os.getloadavg()[0]
        print(f"\n{label}: {seconds:.1f} s wall, {cpu:.1f} s CPU, peak memory {peak:.0f} MB")
        print(f"  load average at the end: {load:.1f} on {os.cpu_count()} cores")
        print("  phases, wall (s): " + ", ".join(f"{k} {v:.1f}" for k, v in phases.items()))
        print(
            "  phases, CPU of the importer (s): "
            + ", ".join(f"{k} {v:.1f}" for k, v in cpu_phases.items())
        )
        if content:
            print(f"  posts with their comments: {posts / content:.0f} posts/s (media aside)")
            content_cpu = cpu_phases.get("items", 0) + cpu_phases.get("finish", 0)
            if content_cpu:
                print(f"  per CPU second of the importer: {posts / content_cpu:.0f} posts/s")
        if phases.get("media"):
            print(f"  media: {args.images / phases['media']:.0f} images/s")
        print("  counts: " + json.dumps(report["counts"]))


if __name__ == "__main__":
    sys.exit(main())
