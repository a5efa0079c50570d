"""People, the roles they hold in organisations, and their API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

from orgs.models import OrganisationKind


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password) if password else user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)

    def get_by_natural_key(self, email: str):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Signs in with an email address; `is_staff` only opens the Django admin."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May open the Django admin.")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Role(models.TextChoices):
    CONSORTIUM_STAFF = "consortium_staff", "Consortium staff"
    DISTRICT_BUYER = "district_buyer", "District buyer"
    DISTRICT_APPROVER = "district_approver", "District approver"
    EVALUATOR = "evaluator", "Evaluator"
    VENDOR_USER = "vendor_user", "Vendor user"


# Which kind of organisation each role is held in.
ROLE_ORGANISATION_KIND = {
    Role.CONSORTIUM_STAFF: OrganisationKind.CONSORTIUM,
    Role.DISTRICT_BUYER: OrganisationKind.DISTRICT,
    Role.DISTRICT_APPROVER: OrganisationKind.DISTRICT,
    Role.EVALUATOR: OrganisationKind.DISTRICT,
    Role.VENDOR_USER: OrganisationKind.VENDOR,
}
DISTRICT_ROLES = (Role.DISTRICT_BUYER, Role.DISTRICT_APPROVER, Role.EVALUATOR)


class RoleAssignment(models.Model):
    """A user holds `role` in `organisation`. One person may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE,
                                     related_name="role_assignments")
    role = models.CharField(max_length=40, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"],
                                    name="unique_role_per_user_org"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}, {self.organisation.name}"


class ApiToken(models.Model):
    """A bearer token for the API. Only a SHA-256 digest of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    assignment = models.ForeignKey(RoleAssignment, on_delete=models.CASCADE,
                                   related_name="api_tokens",
                                   help_text="The organisation and role the token acts for.")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=100, blank=True,
                                      help_text='Why it was revoked, e.g. "password changed".')

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user.email})"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
