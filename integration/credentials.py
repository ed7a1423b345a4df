"""API users and their tokens: create, disable, issue, refresh, revoke, authenticate.

Secrets and tokens are random and kept as SHA-256 digests only; looking one up is one indexed
query, so authenticating a call costs one query and no slow hash (written once in ``sql``: the
ORM's compilation cost more than the query, see ``integration.sql``)."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ServiceProvider
from brands.models import Brand, Grant, Integrator
from consents.models import Consent

from . import sql
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


@cache
def _token_statement(with_grant: bool, with_consent: bool, vendor: str) -> str:
    """``token_authenticate``'s statement, written once per shape (and database vendor)."""
    from .access import GRANT_MATCH, grant_columns, grant_join

    columns = f"{sql.columns(ApiUser, 'u')}, {sql.columns(Integrator, 'i')}"
    joins = (
        f"FROM {ApiToken._meta.db_table} t "  # noqa: S608 (names from model metadata)
        f'JOIN {ApiUser._meta.db_table} u ON u."id" = t."api_user_id" '
        f'JOIN {Integrator._meta.db_table} i ON i."id" = u."integrator_id" '
    )
    if with_grant:
        columns += f", {grant_columns()}"
        match = GRANT_MATCH.format(integrator='u."integrator_id"')
        joins += f"LEFT JOIN {grant_join()} ON {match} "
        if with_consent:
            columns += f", {sql.columns(Consent, 'c')}"
            joins += (
                f"LEFT JOIN {Consent._meta.db_table} c "
                'ON c."brand_id" = b."id" AND c."recipient" = %s AND c."channel" = %s '
            )
    return (
        f"SELECT {columns} {joins}"
        'WHERE t."access_hash" = %s AND t."revoked_at" IS NULL AND t."access_expires_at" > %s '
        'AND u."is_active" = %s AND i."is_active" = %s LIMIT 1'
    )


def token_authenticate(
    *,
    access_token: str,
    brand: tuple[int, int] | None = None,
    consent: tuple[str, str] | None = None,
) -> ApiUser | None:
    """The API user (with its integrator) of a live access token, read now (one query), or
    None: the token unknown, revoked or expired, the user or the integrator disabled.

    With ``brand`` (the call's ``(iysCode, brandCode)``) the same query also reads the
    integrator's live grant there and the provider's package (``access.live_grant``), kept on
    the user as ``prefetched_grant`` for this request's ``access_check``: one round trip
    instead of two on every call.

    With ``brand`` and ``consent`` (a status query's normalized ``(recipient, channel)``) it
    also reads that consent of the grant's brand, kept as ``prefetched_consent`` for
    ``services.consent_status``: the status query's reads are one round trip. Reading it
    decides nothing: it is answered only after ``access_check`` passed, as before."""
    from .access import codes_valid, grant_from_row, grant_join_params

    with_grant = brand is not None and codes_valid(*brand)
    with_consent = with_grant and consent is not None
    params = []
    if with_grant:
        params += [*grant_join_params(), brand[1], brand[0]]
        if with_consent:
            params += [consent[0], consent[1]]
    row = sql.fetch_first(  # the call's first statement, also the connection's health check
        _token_statement(with_grant, with_consent, connection.vendor),
        [
            *params,
            digest(access_token),
            connection.ops.adapt_datetimefield_value(timezone.now()),
            True,
            True,
        ],
    )
    if row is None:
        return None
    user = sql.instance(ApiUser, "u", row)
    at = sql.width(ApiUser)
    user.integrator = sql.instance(Integrator, "i", row, at)
    if with_grant:
        at += sql.width(Integrator)
        grant = grant_from_row(row, at)
        user.prefetched_grant = (brand, grant)
        if with_consent and grant[0] is not None:
            at += sql.width(Grant) + sql.width(Brand) + sql.width(ServiceProvider) + 2
            found = sql.instance(Consent, "c", row, at) if row[at] is not None else None
            user.prefetched_consent = ((grant[0].brand_id, *consent), found)
    return user
