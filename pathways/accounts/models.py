"""People who sign in to Pathways, their role, and their two-factor recovery codes."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.db import models, transaction
from django.utils import timezone
from django_otp.models import Device
from knox.models import AbstractAuthToken

from pathways.core.roles import Role


class User(AbstractUser):
    """A user of one organisation with one role.

    `programmes` are the programmes a programme manager runs, an evaluator evaluates or a
    funder funds; advocates and team managers reach cases through their organisation instead.
    """

    role = models.CharField(max_length=32, choices=Role.choices, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    team = models.ForeignKey(
        "organisations.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    programmes = models.ManyToManyField("programmes.Programme", blank=True, related_name="staff")

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else "No role"


RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud safely


def new_recovery_code() -> str:
    """A fresh code like 'k3mfx-7qzpa' (about 50 bits)."""
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _digest(salt: str, code: str) -> str:
    normalised = code.strip().lower().replace("-", "").replace(" ", "")
    return hashlib.sha256(f"{salt}:{normalised}".encode()).hexdigest()


class RecoveryDevice(Device):
    """A user's set of single-use recovery codes, as a django-otp device.

    Being a device lets a recovery code finish two-factor sign-in the same way a TOTP code does.
    """

    def verify_token(self, token: object) -> bool:
        if not isinstance(token, str) or not token.strip():
            return False
        with transaction.atomic():
            for code in self.codes.select_for_update().filter(used_at__isnull=True):
                if code.matches(token):
                    code.used_at = timezone.now()
                    code.save(update_fields=["used_at"])
                    return True
        return False

    def remaining(self) -> int:
        return self.codes.filter(used_at__isnull=True).count()


class RecoveryCode(models.Model):
    """A single-use code that stands in for the authenticator app; only its hash is kept.

    The codes are random and long, so a salted SHA-256 is enough: nobody can guess
    one from its hash, and a slow hash would only slow down checking ten of them.
    """

    device = models.ForeignKey(RecoveryDevice, on_delete=models.CASCADE, related_name="codes")
    salt = models.CharField(max_length=32)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Recovery code {self.pk} ({'used' if self.used_at else 'unused'})"

    @classmethod
    def for_code(cls, device: RecoveryDevice, code: str) -> RecoveryCode:
        salt = secrets.token_hex(8)
        return cls(device=device, salt=salt, digest=_digest(salt, code))

    def matches(self, code: str) -> bool:
        return hmac.compare_digest(self.digest, _digest(self.salt, code))


class ApiToken(AbstractAuthToken):
    """A token a partner's system signs in with: only a hash of it is kept (knox), it expires,
    it can be revoked, and it works only while its user keeps the role it was issued for."""

    name = models.CharField(max_length=100, help_text="What uses it, e.g. 'Knowsley CRM sync'")
    role = models.CharField(max_length=32, choices=Role.choices)

    class Meta:
        ordering = ["user", "-created"]

    def __str__(self) -> str:
        return f"{self.token_key}… ({self.name or 'unnamed'}) of {self.user}"


class FailedAttempt(models.Model):
    """A wrong password or two-factor code, kept only as long as a limit looks back
    (pathways/accounts/throttle.py): when, from which address, for which account. Never what
    was typed."""

    class Kind(models.TextChoices):
        SIGN_IN = "sign_in", "Sign-in"
        CODE = "code", "Two-factor code"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="failed_attempts"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [
            # "How many from this address lately", "how many for this account lately".
            models.Index(fields=["kind", "ip_address", "at"], name="failed_by_address"),
            models.Index(fields=["kind", "user", "at"], name="failed_by_user"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} failed at {self.at:%Y-%m-%d %H:%M}"


# Who does something: a signed-in user, an anonymous visitor (the public referral form), or
# nobody (the system: imports, scheduled jobs).
Actor = User | AnonymousUser | None
