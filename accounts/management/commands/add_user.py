"""edpool add-user EMAIL --org ORG --role ROLE [--password-stdin]"""

from __future__ import annotations

import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.acting import Actor
from accounts.models import Role
from accounts.services import role_assign, user_create_or_update
from orgs.selectors import organisation_by_ref


class Command(BaseCommand):
    help = ("Create or update a user and give them a role in an organisation. This is how a "
            "deployment makes its first consortium staff account.")

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--org", required=True,
                            help="The organisation: its slug, id or exact name.")
        parser.add_argument("--role", required=True, help="One of: " + ", ".join(Role.values))
        parser.add_argument("--name", default=None, help="The person's full name.")
        parser.add_argument("--password-stdin", action="store_true",
                            help="Read the password from standard input (one line).")
        parser.add_argument("--admin", action="store_true",
                            help="Also let this user open the Django admin.")

    def handle(self, *args, email: str, org: str, role: str, name, password_stdin: bool,
               admin: bool, **options):
        organisation = organisation_by_ref(org)
        if organisation is None:
            raise CommandError(f"Unknown organisation {org!r}: give its slug, id or exact name "
                               f"(see the admin, or `edpool shell`).")
        if role not in Role.values:
            raise CommandError(f"Unknown role {role!r}. Roles are: {', '.join(Role.values)}.")
        password = None
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
            if not password:
                raise CommandError("No password on standard input.")
        elif sys.stdin.isatty():
            password = getpass.getpass(f"Password for {email} (empty: leave unchanged/unusable): ") or None
        actor = Actor.system("edpool add-user")
        try:
            with transaction.atomic():
                user, created = user_create_or_update(email=email, full_name=name,
                                                      password=password, actor=actor,
                                                      can_open_admin=True if admin else None)
                assignment, assigned = role_assign(user=user, organisation=organisation,
                                                   role=role, actor=actor)
        except ValidationError as exc:
            raise CommandError(" ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
                               if hasattr(exc, "error_dict") else " ".join(exc.messages))
        self.stdout.write(
            f"{'Created' if created else 'Updated'} {user.email}; "
            f"{'gave' if assigned else 'already had'} the role {role} in {organisation.name}.")
