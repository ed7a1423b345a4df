"""Request and answer shapes (İYS names). Consent fields arrive as text and are checked by the
registry's own rules (``consents.normalize``), so every refusal has a stable code and a Turkish
message rather than a generic type error."""

from ninja import Schema
from pydantic import Field

DATE_HELP = "YYYY-MM-DD HH:mm:ss, Türkiye saati"


class ConsentIn(Schema):
    recipient: str | None = Field(None, description="Telefon (E.164, +905…) ya da e-posta")
    recipientType: str | None = Field(None, description="BIREYSEL ya da TACIR")  # noqa: N815
    type: str | None = Field(None, description="Kanal: MESAJ, ARAMA ya da EPOSTA")
    source: str | None = Field(
        None, description="İYS kaynağı, ör. HS_WEB (TACIR için isteğe bağlı)"
    )
    status: str | None = Field(None, description="ONAY ya da RET")
    consentDate: str | None = Field(None, description=f"İzin tarihi ({DATE_HELP})")  # noqa: N815


class StatusQueryIn(Schema):
    recipient: str | None = Field(None, description="Telefon (E.164) ya da e-posta")
    recipientType: str | None = Field(None, description="BIREYSEL ya da TACIR")  # noqa: N815
    type: str | None = Field(None, description="Kanal: MESAJ, ARAMA ya da EPOSTA")


class AddOut(Schema):
    transactionId: str  # noqa: N815
    creationDate: str = Field(description=DATE_HELP)  # noqa: N815


class ConsentOut(Schema):
    recipient: str
    type: str
    recipientType: str  # noqa: N815
    status: str
    source: str
    consentDate: str | None = Field(description=DATE_HELP)  # noqa: N815
    creationDate: str = Field(description=f"İznin kayıt zamanı ({DATE_HELP})")  # noqa: N815
    transactionId: str  # noqa: N815


class RequestOut(Schema):
    requestId: str  # noqa: N815


class ErrorItem(Schema):
    code: str = Field(description="Değişmeyen hata kodu")
    location: str = Field(description="Hatalı alan (ör. recipient, body[3].type)")
    message: str = Field(description="Türkçe açıklama")


class ErrorOut(Schema):
    errors: list[ErrorItem]


class RowResultOut(Schema):
    index: int = Field(description="Satırın toplu istekteki yeri (0'dan başlar)")
    status: str = Field(description="enqueue, processing, success ya da failure")
    transactionId: str | None = None  # noqa: N815
    error: ErrorItem | None = None


class ChangeOut(Schema):
    id: str = Field(description="Bu hareketin imleci")
    action: str = Field(description="created (eklendi) ya da changed (değişti)")
    recipient: str
    type: str
    recipientType: str  # noqa: N815
    status: str
    previousStatus: str | None  # noqa: N815
    source: str
    consentDate: str | None  # noqa: N815
    creationDate: str = Field(description=f"Değişikliğin kayıt zamanı ({DATE_HELP})")  # noqa: N815
    transactionId: str  # noqa: N815
    recordedVia: str = Field(description="web (portal), upload (toplu yükleme) ya da api")  # noqa: N815


class ChangesOut(Schema):
    list: list[ChangeOut]
    after: str = Field(description="Sonraki sayfa için ?after= değeri (yeni hareket yoksa aynı)")
    hasMore: bool  # noqa: N815


class BrandRightsOut(Schema):
    brandCode: int  # noqa: N815
    name: str
    channels: list[str]
    rights: list[str] = Field(description="read, write, reconciliation")
    effective: bool = Field(description="Yetki şu anda kullanılabilir mi (paket askıda değil)")


class ProviderRightsOut(Schema):
    iysCode: int  # noqa: N815
    title: str
    packageActive: bool  # noqa: N815
    brands: list[BrandRightsOut]


class TokenOut(Schema):
    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int
    refresh_expires_in: int
