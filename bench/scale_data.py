#!/usr/bin/env python3
"""Fill a database with many statements and comments, to measure pages at scale.

    DATABASE_URL=postgres://…/scale_big .venv/bin/python bench/scale_data.py \
        --statements 100000 --comments 1000000

For benchmarks only (bench/scale.py runs it on databases that have no scale data
yet); the database must be migrated. Statements are named scale-…, and a database
that already has them is refused.
"""

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WORDS = (
    "housing workers peace climate rent union wages strike tenants council solidarity "
    "justice water school transit health freedom organize demand coalition neighbours "
    "eviction heat shelter harbour farm river city budget public care"
).split()


SYLLABLES = "ba de ki lo mu ra ne so ti va ge pu zo la mi ko re da fu sa".split()


def vocabulary(rng, size=20_000):
    """Real words plus invented ones, so word frequencies look like real text."""
    invented = {
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(size)
    }
    return WORDS + sorted(invented)


def sentence(rng, n=12, words=WORDS):
    # Zipf-like: a few words are everywhere, most are rare.
    picks = (words[min(int(rng.paretovariate(1.1)) - 1, len(words) - 1)] for _ in range(n))
    return " ".join(picks).capitalize() + "."


class AlreadyLoaded(Exception):
    pass


def generate(*, statements=100_000, comments=1_000_000, batch=5_000, seed=7, say=print):
    """Statements and comments in bulk, with their counts, labels and search vectors."""
    from django.db import connection, transaction
    from django.utils import timezone
    from django.utils.text import slugify

    from comments.models import Comment
    from comments.moderation import recount
    from comments.text import comment_text
    from statements.labels import refresh_labels
    from statements.models import Organization, Statement, Topic

    if Statement.objects.filter(slug__startswith="scale-").exists():
        raise AlreadyLoaded("Scale data is already loaded (statements named scale-…).")
    rng = random.Random(seed)
    words = vocabulary(rng)
    started = time.monotonic()
    topics = [
        Topic.objects.get_or_create(slug=f"scale-{word}", defaults={"name": word.title()})[0]
        for word in ("housing", "labor", "peace", "climate", "health", "transit")
    ]
    organizations = [
        Organization.objects.get_or_create(
            slug=f"scale-org-{i}", defaults={"name": f"Scale Coalition {i}"}
        )[0]
        for i in range(40)
    ]
    now = timezone.now()
    made = 0
    while made < statements:
        size = min(batch, statements - made)
        with transaction.atomic():
            rows = []
            for i in range(made, made + size):
                title = f"{sentence(rng, 6, words)[:-1]} {i}"
                body = "".join(f"<p>{sentence(rng, 30, words)}</p>" for _ in range(6))
                rows.append(
                    Statement(
                        title=title,
                        slug=f"scale-{i}-{slugify(title)[:60]}",
                        summary=sentence(rng, 20, words),
                        body=body,
                        body_html=body,
                        body_text=body.replace("<p>", "").replace("</p>", "\n"),
                        status=Statement.Status.PUBLISHED,
                        publish_at=now - timedelta(minutes=30 * (statements - i)),
                        statement_date=(now - timedelta(minutes=30 * (statements - i))).date(),
                    )
                )
            created = Statement.objects.bulk_create(rows)
            Statement.topics.through.objects.bulk_create(
                Statement.topics.through(statement_id=s.pk, topic_id=rng.choice(topics).pk)
                for s in created
            )
            Statement.organizations.through.objects.bulk_create(
                Statement.organizations.through(
                    statement_id=s.pk, organization_id=rng.choice(organizations).pk
                )
                for s in created
            )
            # Links stored in bulk send no signal: label them here.
            refresh_labels(Statement, [s.pk for s in created])
        made += size
        say(f"{made} statements ({time.monotonic() - started:.0f} s)")

    ids = list(Statement.objects.filter(slug__startswith="scale-").values_list("pk", flat=True))
    made = 0
    while made < comments:
        size = min(batch * 4, comments - made)
        with transaction.atomic():
            bodies = [sentence(rng, 25) for _ in range(size)]
            Comment.objects.bulk_create(
                Comment(
                    statement_id=rng.choice(ids),
                    name=f"Reader {i}",
                    email=f"reader{i}@example.org",
                    body=body,
                    body_html=comment_text(body),  # as save() renders it
                    status=Comment.Status.APPROVED if i % 10 else Comment.Status.PENDING,
                    fingerprint=f"scale-{i}",
                )
                for i, body in enumerate(bodies, start=made)
            )
        made += size
        say(f"{made} comments ({time.monotonic() - started:.0f} s)")

    say("Counting approved comments per statement …")
    recount(Statement.objects.filter(slug__startswith="scale-"))
    if connection.vendor == "postgresql":
        from statements.migrations import _search

        with connection.cursor() as cursor:
            cursor.execute(_search.FILL + " WHERE slug LIKE 'scale-%%'")
            cursor.execute("ANALYZE")
    say(f"Done in {time.monotonic() - started:.0f} s.")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocacy.settings")
    import django

    django.setup()
    try:
        generate(
            statements=args.statements, comments=args.comments, batch=args.batch, seed=args.seed
        )
    except AlreadyLoaded as exc:
        sys.exit(f"Error: {exc}")


if __name__ == "__main__":
    main()
