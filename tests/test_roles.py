"""The staff roles of advocacy/roles.py, as every migrate leaves them in the database."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from advocacy import roles

pytestmark = pytest.mark.django_db


def held(group_name):
    group = Group.objects.get(name=group_name)
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_after_migrate_each_group_holds_exactly_its_declared_permissions():
    # The test database was built by migrate; run it again as an upgrade would.
    call_command("migrate", verbosity=0)
    assert set(roles.ROLES) == {roles.EDITORS, roles.MODERATORS, roles.CONTRIBUTORS}
    for name, declared in roles.ROLES.items():
        assert held(name) == set(declared), name


def test_every_declared_permission_exists():
    existing = {
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.values_list(
            "content_type__app_label", "codename"
        )
    }
    for name, declared in roles.ROLES.items():
        assert declared <= existing, (name, sorted(declared - existing))


def test_a_permission_no_longer_declared_is_taken_away_and_a_new_one_granted(monkeypatch):
    # A right granted by hand, or declared once and then removed from roles.py …
    moderators = Group.objects.get(name=roles.MODERATORS)
    moderators.permissions.add(Permission.objects.get(codename="change_user"))
    declared = dict(roles.ROLES)
    declared[roles.EDITORS] = (declared[roles.EDITORS] - {"statements.delete_statement"}) | {
        "comments.view_comment"
    }
    monkeypatch.setattr(roles, "ROLES", declared)

    call_command("migrate", verbosity=0)

    # … is gone after the next migrate, and what was added is there.
    assert "auth.change_user" not in held(roles.MODERATORS)
    assert held(roles.MODERATORS) == set(roles.ROLES[roles.MODERATORS])
    assert "statements.delete_statement" not in held(roles.EDITORS)
    assert "comments.view_comment" in held(roles.EDITORS)
    assert held(roles.EDITORS) == set(declared[roles.EDITORS])


def test_a_deleted_group_comes_back_with_its_permissions():
    Group.objects.filter(name=roles.EDITORS).delete()
    call_command("migrate", verbosity=0)
    assert held(roles.EDITORS) == set(roles.ROLES[roles.EDITORS])


def test_applying_twice_changes_nothing(django_assert_max_num_queries):
    roles.apply_roles()
    before = {name: held(name) for name in roles.ROLES}
    # Already right: reads and get_or_create's lookups only, no writes.
    with django_assert_max_num_queries(7) as queries:
        roles.apply_roles()
    assert not [q for q in queries.captured_queries if q["sql"].startswith(("INSERT", "DELETE"))]
    assert {name: held(name) for name in roles.ROLES} == before
