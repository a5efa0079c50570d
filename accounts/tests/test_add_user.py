from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import RoleAssignment, User


def test_add_user_creates_staff_account(cast, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-enough-password\n"))
    call_command("add_user", "New.Person@Example.org", "--org", cast.consortium.slug,
                 "--role", "consortium_staff", "--password-stdin", "--name", "New Person")
    user = User.objects.get(email="new.person@example.org")
    assert user.check_password("a-long-enough-password") and user.full_name == "New Person"
    assert RoleAssignment.objects.filter(user=user, role="consortium_staff").exists()
    assert "Created new.person@example.org" in capsys.readouterr().out


def test_add_user_updates_and_adds_second_role(cast, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    call_command("add_user", "buyer-a@example.org", "--org", "Beta Unified", "--role", "evaluator")
    assert "Updated buyer-a@example.org" in capsys.readouterr().out
    assert cast.buyer_a.role_assignments.count() == 2


def test_add_user_refuses_unknown_org_and_role(cast, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="Unknown organisation 'Nowhere'"):
        call_command("add_user", "x@example.org", "--org", "Nowhere", "--role", "evaluator")
    with pytest.raises(CommandError, match="Unknown role 'king'"):
        call_command("add_user", "x@example.org", "--org", cast.consortium.slug, "--role", "king")
    with pytest.raises(CommandError, match="held in a vendor"):
        call_command("add_user", "x@example.org", "--org", cast.consortium.slug, "--role", "vendor_user")
    assert not User.objects.filter(email="x@example.org").exists()


def test_add_user_rejects_weak_password(cast, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("123\n"))
    with pytest.raises(CommandError, match="password"):
        call_command("add_user", "y@example.org", "--org", cast.consortium.slug,
                     "--role", "consortium_staff", "--password-stdin")
    assert not User.objects.filter(email="y@example.org").exists()
