"""What a statement's pages show of its organizations and topics, kept on the statement.

The byline ("Statement by X and Y") and the topic links appear on the
statement's page, on every list that shows it and in the feeds. Read from the
link tables they cost each page two queries (about 0.9 ms of ORM work at this
machine's speed); they change seldom, so each statement keeps them in
`Statement.labels`, and statements.derived refreshes them when a link is added
or removed and when an organization or topic is renamed or deleted.
Written for historical models too: the data migration uses it.
"""

BATCH = 1000
KINDS = (("organizations", "organization"), ("topics", "topic"))


def labels_for(statement_model, statement_ids, *, unlinking=None):
    """{statement id: {"organizations": [[name, slug], …], "topics": […]}}, by name.

    unlinking: an organization or topic whose links are about to go (a clear
    from its side), left out as if they were gone already.
    """
    labels = {pk: {kind: [] for kind, _ in KINDS} for pk in statement_ids}
    for kind, field in KINDS:
        links = getattr(statement_model, kind).through.objects.filter(
            statement_id__in=statement_ids
        )
        if unlinking is not None and unlinking._meta.model_name == field:
            links = links.exclude(**{f"{field}_id": unlinking.pk})
        rows = links.order_by(f"{field}__name", f"{field}__pk").values_list(
            "statement_id", f"{field}__name", f"{field}__slug"
        )
        for pk, name, slug in rows:
            labels[pk][kind].append([name, slug])
    return labels


def refresh_labels(statement_model, statement_ids, *, unlinking=None):
    """Store the current labels of these statements (two queries and one update a batch)."""
    ids = sorted(set(statement_ids))
    for start in range(0, len(ids), BATCH):
        labels = labels_for(statement_model, ids[start : start + BATCH], unlinking=unlinking)
        statement_model.objects.bulk_update(
            [statement_model(pk=pk, labels=value) for pk, value in labels.items()], ["labels"]
        )
