"""The integration API's writes: one consent, a batch (submitted, then processed by one Celery
task). Consents are recorded by ``consents.services.consents_apply`` with the API user as the
recorder and the package's address limit."""

import hashlib

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consents.models import Consent
from consents.normalize import ConsentInvalid, consent_clean, normalize_email, normalize_phone
from consents.services import ConsentRefused, RecordedBy, consents_apply

from . import sql
from .access import Access, Right, access_check
from .errors import ApiError, unprocessable
from .models import ApiBatch, ApiUser

BATCH_MAX = 1000


def _clean(data: dict):
    try:
        return consent_clean(
            recipient=data.get("recipient"),
            channel=data.get("type"),
            recipient_type=data.get("recipientType"),
            status=data.get("status"),
            source=data.get("source"),
            consent_date=data.get("consentDate"),
        )
    except ConsentInvalid as error:
        raise unprocessable(error.code, error.message, error.field) from None


def _refused(error: ConsentRefused) -> ApiError:
    return unprocessable(error.code, error.message, error.location)


def api_consent_add(*, access: Access, api_user: ApiUser, data: dict):
    """Add or change one consent; the recorded row (``transaction_id``, ``recorded_at``)."""
    item = _clean(data)
    result = consents_apply(
        service_provider=access.service_provider,
        brand=access.brand,
        items=[item],
        recorded_by=RecordedBy.api_client(api_user.pk),
        address_limit=access.address_limit,
    ).items[0]
    if result.error is not None:
        raise _refused(result.error)
    return result.consent


def recipient_normalize(*, channel: str, recipient) -> str:
    try:
        if channel == "EPOSTA":
            return normalize_email(recipient)
        return normalize_phone(recipient)
    except ConsentInvalid as error:
        raise unprocessable(error.code, error.message, error.field) from None


def consent_status(*, access: Access, recipient: str, channel: str, prefetched=None) -> Consent:
    """The brand's one consent for the recipient on the channel (the unique key; one query
    written once, see ``integration.sql``), or ``prefetched`` when it is that very consent read
    in this request with the token (``credentials.token_authenticate``)."""
    if prefetched is not None and prefetched[0] == (access.brand.pk, recipient, channel):
        if prefetched[1] is None:
            raise _consent_not_found()
        return prefetched[1]
    row = sql.fetch_one(
        f"SELECT {sql.columns(Consent, 'c')} FROM {Consent._meta.db_table} c "  # noqa: S608
        'WHERE c."brand_id" = %s AND c."recipient" = %s AND c."channel" = %s LIMIT 1',
        [access.brand.pk, recipient, channel],
    )
    if row is None:
        raise _consent_not_found()
    return sql.instance(Consent, "c", row)


def _consent_not_found() -> ApiError:
    return ApiError(
        404,
        "consent_not_found",
        _("Bu alıcı için bu kanalda kayıtlı bir izin yok."),
        "recipient",
    )


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _same_request(batch: ApiBatch, access: Access, digest: str) -> ApiBatch:
    if batch.body_sha256 != digest or batch.brand_id != access.brand.pk:
        raise unprocessable(
            "idempotency_key_reused",
            _(
                "Bu Idempotency-Key başka bir istekte kullanıldı; yeni istek için yeni bir anahtar "
                "verin."
            ),
            "Idempotency-Key",
        )
    return batch


def batch_submit(
    *, access: Access, api_user: ApiUser, rows: list, body: bytes, idempotency_key: str = ""
) -> ApiBatch:
    """Store the batch and queue its task; with an ``Idempotency-Key`` a re-post of the same
    body returns the first batch (two posts racing: the unique constraint picks one)."""
    if not rows:
        raise unprocessable("batch_empty", _("Toplu istek en az bir izin içermelidir."), "body")
    if len(rows) > BATCH_MAX:
        raise unprocessable(
            "batch_too_large",
            _("Bir toplu istek en fazla %(max)s izin içerebilir.") % {"max": BATCH_MAX},
            "body",
        )
    key = (idempotency_key or "").strip()[:100]
    digest = body_digest(body)
    if key:
        existing = ApiBatch.objects.filter(api_user=api_user, idempotency_key=key).first()
        if existing is not None:
            return _same_request(existing, access, digest)
    try:
        with transaction.atomic():
            batch = ApiBatch.objects.create(
                api_user=api_user,
                service_provider=access.service_provider,
                brand=access.brand,
                idempotency_key=key,
                body_sha256=digest,
                items=rows,
            )
            transaction.on_commit(lambda: _enqueue(batch.pk))
    except IntegrityError:
        existing = ApiBatch.objects.get(api_user=api_user, idempotency_key=key)
        return _same_request(existing, access, digest)
    return batch


def _enqueue(batch_id: int) -> None:
    from .tasks import batch_process_task

    batch_process_task.delay(batch_id)


def _failure(index: int, code: str, message, location: str = "") -> dict:
    error = {"code": code, "location": location, "message": str(message)}
    return {"index": index, "status": "failure", "error": error}


def _mark_processing(batch_id: int) -> bool:
    with transaction.atomic():
        batch = ApiBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status == ApiBatch.Status.DONE:
            return False
        if batch.status == ApiBatch.Status.ENQUEUE:
            batch.status = ApiBatch.Status.PROCESSING
            batch.started_at = timezone.now()
            batch.save(update_fields=["status", "started_at"])
    return True


def batch_process(*, batch_id: int) -> None:
    """Record a batch's rows; safe to run again (a finished batch is left alone, and the rows
    and the batch's results are written in one transaction)."""
    if not _mark_processing(batch_id):
        return
    with transaction.atomic():
        batch = (
            ApiBatch.objects.select_for_update()
            .select_related("api_user", "service_provider", "brand")
            .get(pk=batch_id)
        )
        if batch.status == ApiBatch.Status.DONE:
            return
        batch.results = _process_rows(batch)
        batch.status = ApiBatch.Status.DONE
        batch.finished_at = timezone.now()
        batch.save(update_fields=["results", "status", "finished_at"])


def _process_rows(batch: ApiBatch) -> list[dict]:
    rows = batch.items
    try:
        access = access_check(
            api_user=batch.api_user,
            iys_code=batch.service_provider.iys_code,
            brand_code=batch.brand.code,
            right=Right.WRITE,
            log={},
        )
    except ApiError as refused:  # revoked or lapsed between the post and the task
        return [_failure(i, refused.code, refused.message) for i in range(len(rows))]
    results: list[dict | None] = [None] * len(rows)
    items, positions, seen = [], [], {}
    for index, row in enumerate(rows):
        data = row if isinstance(row, dict) else {}
        try:
            item = _clean(data)
        except ApiError as invalid:
            results[index] = _failure(index, invalid.code, invalid.message, invalid.location)
            continue
        if not access.grant.covers(item.channel):
            results[index] = _failure(
                index,
                "channel_not_granted",
                _("Bu marka için %(channel)s kanalında yetkiniz yok.") % {"channel": item.channel},
                "type",
            )
            continue
        key = (item.recipient, item.channel)
        if key in seen:
            results[index] = _failure(
                index,
                "duplicate_row",
                _("Aynı alıcı ve kanal bu istekte %(index)s. sıradaki satırda da var.")
                % {"index": seen[key]},
                "recipient",
            )
            continue
        seen[key] = index
        items.append(item)
        positions.append(index)
    outcome = consents_apply(
        service_provider=access.service_provider,
        brand=access.brand,
        items=items,
        recorded_by=RecordedBy.api_client(batch.api_user_id),
        address_limit=access.address_limit,
    )
    for index, result in zip(positions, outcome.items, strict=True):
        if result.error is not None:
            results[index] = _failure(
                index, result.error.code, result.error.message, result.error.location
            )
        else:
            results[index] = {
                "index": index,
                "status": "success",
                "transactionId": str(result.consent.transaction_id),
            }
    return results
