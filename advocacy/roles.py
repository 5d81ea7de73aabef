"""The staff roles: each one's group name and exactly what its members may do.

This is the only place that decides it. After every `migrate` (and every
`flush`) the groups are made to hold exactly the permissions declared here:
missing ones are granted, ones no longer declared are taken away. So giving a
role a new model is one line here, not a data migration, and an upgraded site
ends up with the same rights as a fresh one.

Permissions are written "app_label.codename", as `user.has_perm()` takes them.
"""

import logging

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, router

logger = logging.getLogger(__name__)

EDITORS = "Editors"
MODERATORS = "Moderators"
CONTRIBUTORS = "Contributors"
# Publishing a statement and deciding a contributor's review (editing.Review's permission).
PUBLISH = "editing.publish_statement"

CRUD = ("add", "change", "delete", "view")


def _all_actions(app_label, *models):
    return {f"{app_label}.{action}_{model}" for model in models for action in CRUD}


ROLES = {
    # Statements and everything a statement is made of, and their own initials
    # (StaffProfile; the admin shows an editor their own profile only).
    EDITORS: frozenset(
        _all_actions(
            "statements",
            "statement",
            "editornote",
            "image",
            "organization",
            "topic",
            "staffprofile",
        )
        | {PUBLISH, "editing.view_review"}
        # Old addresses sent on to new ones (imports make them; editors fix them).
        | _all_actions("redirects", "redirect")
        # The site's own pages (About, Contact…) and the menus (pages, topics, links…).
        | _all_actions("pages", "page", "menuitem")
        # The site's name, tagline, logo, colour and footer (one row, never deleted).
        | {
            "branding.add_sitesettings",
            "branding.change_sitesettings",
            "branding.view_sitesettings",
        }
        # Bringing a WordPress site over (the admin's upload page).
        | {"wordpress.import_wordpress", "wordpress.view_importedobject"}
        # Email subscribers: see them and their consent, unsubscribe or suppress one,
        # export them as CSV; see each statement's mailing and send a test to oneself.
        | {
            "subscriptions.view_subscriber",
            "subscriptions.change_subscriber",
            "subscriptions.export_subscribers",
            "subscriptions.view_mailing",
            "subscriptions.view_delivery",
            "subscriptions.view_digest",
        }
    ),
    # Write statements and submit them for review; never publish. The statement
    # admin lets them change only their own unpublished statements (editing.reviews).
    CONTRIBUTORS: frozenset(
        {
            "statements.add_statement",
            "statements.change_statement",
            "statements.view_statement",
            "statements.add_image",
            "statements.view_image",
            "statements.view_organization",
            "statements.view_topic",
        }
    ),
    # Comments and the blocklist; statements read-only, to judge a comment in context.
    MODERATORS: frozenset(
        {
            "statements.view_statement",
            "comments.view_comment",
            "comments.change_comment",
            "comments.delete_comment",
            *_all_actions("comments", "blockedterm"),
        }
    ),
}


def apply_roles(*, using=DEFAULT_DB_ALIAS, apps=global_apps, roles=None):
    """Create each role's group and give it exactly its declared permissions.

    Idempotent. A declared permission that does not exist (a model not migrated
    yet, or a typing error) is logged and left out rather than stopping migrate;
    tests/test_roles.py checks that every declared one exists.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    if not router.allow_migrate_model(using, Group):
        return
    roles = ROLES if roles is None else roles
    wanted = set().union(*roles.values())
    found = {}
    for pk, app_label, codename in Permission.objects.using(using).values_list(
        "pk", "content_type__app_label", "codename"
    ):
        name = f"{app_label}.{codename}"
        if name in wanted:
            found[name] = pk
    for role, declared in roles.items():
        missing = sorted(declared - found.keys())
        if missing:
            logger.warning("Role %s: no such permission %s", role, ", ".join(missing))
        group, _ = Group.objects.using(using).get_or_create(name=role)
        group.permissions.set([found[name] for name in declared if name in found])


def _last_app_with_models():
    configs = [c for c in global_apps.get_app_configs() if c.models_module is not None]
    return configs[-1] if configs else None


def apply_after_migrate(sender, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs):
    """post_migrate receiver: Django sends the signal once per app, in order, and
    each app's permissions are created in its own turn; the roles are applied in
    the last app's, when every permission exists."""
    if sender is _last_app_with_models():
        apply_roles(using=using, apps=apps)
