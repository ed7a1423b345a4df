"""API users and their tokens: create, disable, issue, refresh, revoke, authenticate.

Secrets and tokens are random and kept as SHA-256 digests only; looking one up is one indexed
query, so authenticating a call costs one query and no slow hash."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brands.models import Integrator

from .errors import ApiError
from .models import ApiToken, ApiUser

ACCESS_TTL = timedelta(seconds=getattr(settings, "INTEGRATION_ACCESS_TOKEN_SECONDS", 3600))
REFRESH_TTL = timedelta(seconds=getattr(settings, "INTEGRATION_REFRESH_TOKEN_SECONDS", 86400))


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedUser:
    api_user: ApiUser
    secret: str  # shown once, never stored


@transaction.atomic
def api_user_create(*, integrator: Integrator, username: str, created_by=None) -> IssuedUser:
    secret = secrets.token_urlsafe(32)
    user = ApiUser.objects.create(
        integrator=integrator,
        username=username,
        secret_hash=digest(secret),
        created_by=created_by,
    )
    return IssuedUser(user, secret)


@transaction.atomic
def api_user_secret_reset(*, api_user: ApiUser) -> str:
    """A new secret (shown once); the old one and every token stop working."""
    user = ApiUser.objects.select_for_update().get(pk=api_user.pk)
    secret = secrets.token_urlsafe(32)
    user.secret_hash = digest(secret)
    user.save(update_fields=["secret_hash"])
    api_tokens_revoke(api_user=user)
    return secret


@transaction.atomic
def api_user_disable(*, api_user: ApiUser) -> None:
    user = ApiUser.objects.select_for_update().get(pk=api_user.pk)
    if user.is_active:
        user.is_active = False
        user.disabled_at = timezone.now()
        user.save(update_fields=["is_active", "disabled_at"])
    api_tokens_revoke(api_user=user)


def api_tokens_revoke(*, api_user: ApiUser) -> int:
    return ApiToken.objects.filter(api_user=api_user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def _invalid_grant():
    return ApiError(
        401, "invalid_grant", _("Kullanıcı adı, parola ya da yenileme belirteci hatalı.")
    )


def _issue(api_user: ApiUser) -> dict:
    now = timezone.now()
    access = secrets.token_urlsafe(32)
    refresh = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        api_user=api_user,
        access_hash=digest(access),
        refresh_hash=digest(refresh),
        access_expires_at=now + ACCESS_TTL,
        refresh_expires_at=now + REFRESH_TTL,
        created_at=now,
    )
    return {
        "access_token": access,
        "refresh_token": refresh,
        "token_type": "Bearer",
        "expires_in": int(ACCESS_TTL.total_seconds()),
        "refresh_expires_in": int(REFRESH_TTL.total_seconds()),
    }


def _usable(user: ApiUser | None) -> bool:
    return user is not None and user.is_active and user.integrator.is_active


def token_issue(*, username: str, password: str) -> dict:
    user = ApiUser.objects.select_related("integrator").filter(username=username).first()
    stored = user.secret_hash if user is not None else "0" * 64
    matches = hmac.compare_digest(stored, digest(password))
    if not matches or not _usable(user):
        raise _invalid_grant()
    return _issue(user)


@transaction.atomic
def token_refresh(*, refresh_token: str) -> dict:
    """The old pair stops working; a refresh token is used once."""
    token = (
        ApiToken.objects.select_for_update()
        .select_related("api_user__integrator")
        .filter(refresh_hash=digest(refresh_token))
        .first()
    )
    now = timezone.now()
    if (
        token is None
        or token.revoked_at is not None
        or token.refresh_expires_at <= now
        or not _usable(token.api_user)
    ):
        raise _invalid_grant()
    token.revoked_at = now
    token.save(update_fields=["revoked_at"])
    return _issue(token.api_user)


def token_authenticate(*, access_token: str) -> ApiUser | None:
    """The API user of a live access token (one query), or None."""
    token = (
        ApiToken.objects.select_related("api_user__integrator")
        .filter(
            access_hash=digest(access_token),
            revoked_at__isnull=True,
            access_expires_at__gt=timezone.now(),
            api_user__is_active=True,
            api_user__integrator__is_active=True,
        )
        .first()
    )
    return token.api_user if token is not None else None
