"""``/sps/{iysCode}/brands/{brandCode}/consents…``: add one, query one, batch, batch result,
changes feed. Each operation: access check from the live grant, one service or selector."""

import json
import uuid
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Body, Header, Query

from consents.models import Channel

from .access import Right, access_check
from .api import BEARER, api, error_response, json_body
from .errors import ApiError, not_found, unauthorized, unprocessable
from .schemas import (
    AddOut,
    ChangeOut,
    ChangesOut,
    ConsentIn,
    ConsentOut,
    ErrorOut,
    RequestOut,
    RowResultOut,
    StatusQueryIn,
)
from .selectors import batch_for, batch_rows, changes_page
from .services import api_consent_add, batch_submit, consent_status, recipient_normalize

BASE = "/sps/{iysCode}/brands/{brandCode}/consents"
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}
TAGS = ["İzinler"]
_CHANNELS = frozenset(Channel.values)


def _when(value) -> str | None:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else None


def _channel(value) -> str | None:
    """The channel to check the grant for; an invalid one is refused later by the rules."""
    return value if value in _CHANNELS else None


def _access(request, iys_code: int, brand_code: int, right: str, channel=None):
    return access_check(
        api_user=request.auth,
        iys_code=iys_code,
        brand_code=brand_code,
        right=right,
        channel=channel,
        log=request.api_log,
    )


@api.post(
    BASE,
    response={200: AddOut, **ERRORS},
    url_name="consent_add",
    summary="Tek izin ekle",
    description="Yazma yetkisi gereklidir. Aynı izin yeniden gönderilirse değişiklik olmaz.",
    tags=TAGS,
)
def consent_add(request: HttpRequest, iysCode: int, brandCode: int, payload: ConsentIn):  # noqa: N803
    data = payload.dict()
    request.api_log["recipient"] = str(data.get("recipient") or "")
    access = _access(request, iysCode, brandCode, Right.WRITE, _channel(data.get("type")))
    row = api_consent_add(access=access, api_user=request.auth, data=data)
    return {"transactionId": str(row.transaction_id), "creationDate": _when(row.recorded_at)}


@api.post(
    f"{BASE}/status",
    response={200: ConsentOut, **ERRORS},
    url_name="consent_status",
    summary="Tek alıcının iznini sorgula",
    description="İş ortakları okuma yetkisiyle, AHS'ler gönderim öncesi kontrol için çağırır.",
    tags=TAGS,
)
def consent_query(request: HttpRequest, iysCode: int, brandCode: int, payload: StatusQueryIn):  # noqa: N803
    return _status_answer(
        request, iysCode, brandCode, payload.recipient, payload.recipientType, payload.type
    )


def _status_answer(request, iys_code, brand_code, recipient, recipient_type, type_):
    """The status query once authenticated and its body read (``consent_query``, or
    ``status_fast_path`` for the well-formed call)."""
    request.api_log["recipient"] = str(recipient or "")
    channel = _channel(type_)
    access = _access(request, iys_code, brand_code, Right.QUERY, channel)
    if channel is None:
        raise unprocessable(
            "type_invalid", _("Kanal: MESAJ, ARAMA ya da EPOSTA olmalıdır."), "type"
        )
    if recipient_type not in ("BIREYSEL", "TACIR"):
        raise unprocessable(
            "recipient_type_invalid",
            _("Alıcı tipi: BIREYSEL ya da TACIR olmalıdır."),
            "recipientType",
        )
    recipient = recipient_normalize(channel=channel, recipient=recipient)
    consent = consent_status(
        access=access,
        recipient=recipient,
        channel=channel,
        prefetched=getattr(request.auth, "prefetched_consent", None),
    )
    # Rendered here, not validated again through ``ConsentOut`` (which still documents it): the
    # fields are the stored consent's own, and this is the call made before every message.
    return HttpResponse(
        json.dumps(
            {
                "recipient": consent.recipient,
                "type": consent.channel,
                "recipientType": consent.recipient_type,
                "status": consent.status,
                "source": consent.source,
                "consentDate": _when(consent.consent_date),
                "creationDate": _when(consent.created_at),
                "transactionId": str(consent.transaction_id),
            }
        ),
        content_type="application/json; charset=utf-8",
    )


_STATUS_FIELDS = ("recipient", "recipientType", "type")


def status_fast_path(view):
    """The status query's URL callback: the well-formed call is answered here, without
    django-ninja's per-call machinery (its operation, a pydantic model for the path and one
    for the body: ~0.15 ms of the call's ~0.9 ms, ``bench/RESULTS.md``); anything else goes to
    ninja's ``view`` unchanged, so every refusal of a malformed call stays ninja's own.

    Well-formed: both codes plain digits (what ninja's ``int`` accepts and reads alike) and a
    JSON object whose three fields are text or absent (``StatusQueryIn``; other keys are
    ignored there too). Then, in ninja's order: the Bearer token (``BearerAuth``, the same
    object ninja calls), ``request.auth``, the answer (``_status_answer``, the route's own
    body); an ``ApiError`` becomes the API's error answer as ninja's handler makes it."""

    @wraps(view)
    def status(request, iysCode, brandCode):  # noqa: N803
        body = json_body(request)
        plain = isinstance(body, dict) and all(
            isinstance(body.get(field, ""), str) for field in _STATUS_FIELDS
        )
        codes = (iysCode, brandCode)
        if not plain or not all(c.isascii() and c.isdigit() for c in codes):
            return view(request, iysCode=iysCode, brandCode=brandCode)
        try:
            api_user = BEARER(request)  # None: no Bearer header, or no live token
            if not api_user:
                raise unauthorized()
            request.auth = api_user
            return _status_answer(
                request,
                int(iysCode),
                int(brandCode),
                *(body.get(field) for field in _STATUS_FIELDS),
            )
        except ApiError as error:
            return error_response(request, error)

    return status


@api.post(
    f"{BASE}/request",
    response={200: RequestOut, **ERRORS},
    url_name="batch_submit",
    summary="Toplu izin gönder (en fazla 1.000, arka planda işlenir)",
    description=(
        "Gövde izinlerden oluşan bir JSON dizisidir. `Idempotency-Key` başlığıyla aynı gövde "
        "yeniden gönderilirse ilk isteğin `requestId` değeri döner ve izinler bir kez işlenir."
    ),
    tags=TAGS,
)
def batch_post(
    request: HttpRequest,
    iysCode: int,  # noqa: N803
    brandCode: int,  # noqa: N803
    payload: list[ConsentIn] = Body(...),  # noqa: B008
    idempotency_key: str = Header("", alias="Idempotency-Key"),  # noqa: B008
):
    access = _access(request, iysCode, brandCode, Right.WRITE)
    rows = json.loads(request.body)
    batch = batch_submit(
        access=access,
        api_user=request.auth,
        rows=rows,
        body=request.body,
        idempotency_key=idempotency_key,
    )
    return {"requestId": str(batch.request_id)}


@api.get(
    f"{BASE}/request/{{requestId}}",
    response={200: list[RowResultOut], **ERRORS},
    url_name="batch_result",
    summary="Toplu isteğin satır satır sonucu",
    description="Her girdi satırı için bir öğe: `index`, `status`, hata varsa `error`.",
    tags=TAGS,
)
def batch_get(request: HttpRequest, iysCode: int, brandCode: int, requestId: str):  # noqa: N803
    access = _access(request, iysCode, brandCode, Right.READ)
    try:
        request_id = uuid.UUID(requestId)
    except ValueError:
        request_id = None
    batch = request_id and batch_for(access=access, api_user=request.auth, request_id=request_id)
    if not batch:
        raise not_found("request_not_found", _("Bu numarayla bir toplu istek yok."), "requestId")
    return batch_rows(batch)


@api.get(
    f"{BASE}/changes",
    response={200: ChangesOut, **ERRORS},
    url_name="changes",
    summary="Değişiklik akışı (mutabakat)",
    description=(
        "Bir imleçten sonraki her değişiklik, sırayla ve bir kez (vatandaşın RET'i dahil); "
        "yalnızca yetkili kanallar. Bir sonraki sayfa için dönen `after` değerini gönderin."
    ),
    tags=TAGS,
)
def changes(
    request: HttpRequest,
    iysCode: int,  # noqa: N803
    brandCode: int,  # noqa: N803
    after: int = Query(0, ge=0),  # noqa: B008
    limit: int = Query(100, ge=1, le=1000),  # noqa: B008
):
    access = _access(request, iysCode, brandCode, Right.RECONCILE)
    events, cursor, has_more = changes_page(access=access, after=after, limit=limit)
    return {
        "list": [_change(e) for e in events],
        "after": str(cursor),
        "hasMore": has_more,
    }


def _change(event) -> dict:
    return ChangeOut(
        id=str(event.id),
        action=event.action,
        recipient=event.recipient,
        type=event.channel,
        recipientType=event.recipient_type,
        status=event.status,
        previousStatus=event.previous_status or None,
        source=event.source,
        consentDate=_when(event.consent_date),
        creationDate=_when(event.recorded_at),
        transactionId=str(event.transaction_id),
        recordedVia=event.recorded_via,
    ).dict()
