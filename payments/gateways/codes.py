"""iyzico's error codes and what the card holder reads for them (shared by the fake)."""

from django.utils.translation import gettext_lazy as _

# iyzico error codes → what the card holder should read.
ERROR_MESSAGES = {
    "10051": _("Kart limiti yetersiz, yetersiz bakiye."),
    "10005": _("İşlem bankanız tarafından onaylanmadı."),
    "10084": _("Kartın güvenlik kodu (CVC) hatalı."),
    "10012": _("Geçersiz işlem."),
    "10054": _("Kartın son kullanma tarihi hatalı."),
    "10057": _("Kart sahibi bu işlemi yapamaz."),
    "10058": _("Bu kartla bu işlem yapılamaz."),
    "10034": _("Dolandırıcılık şüphesi nedeniyle işlem reddedildi."),
    "10093": _("Kartınız internet alışverişine kapalıdır; bankanızla görüşünüz."),
    "10201": _("Kart bu işlem için uygun değil."),
    "10202": _("Ödeme sırasında bankada genel bir hata oluştu."),
    "10204": _("Ödeme işlemi sırasında genel bir hata oluştu."),
    "10215": _("Geçersiz kart numarası."),
    "10219": _("Bankaya gönderilen istek zaman aşımına uğradı."),
    "10225": _("Kart işlem kısıtlaması nedeniyle reddedildi."),
    "10226": _("İzin verilen PIN deneme sayısı aşıldı."),
    "12": _("Geçersiz kart numarası."),
    "6001": _("Kartınız iyzico tarafından kabul edilmedi."),
}


# Authentication and request-format errors: our fault, never the card holder's.
CONFIGURATION_ERRORS = {"1000", "1001"}

# Answers that say nothing about the card: iyzico's own system error, and the bank not
# answering iyzico in time (the bank may have charged). Unknown, never a decline.
UNKNOWN_OUTCOME_ERRORS = {"1", "10219"}


def error_message(code: str) -> str:
    message = ERROR_MESSAGES.get(str(code))
    if message is not None:
        return str(message)
    return str(_("Ödeme gerçekleştirilemedi (hata kodu: %(code)s).") % {"code": code or "—"})


# The bank's 3-D Secure verdict (mdStatus); only "1" lets a payment be completed.
MD_STATUS_MESSAGES = {
    "0": _("3-D Secure doğrulaması başarısız oldu: bankanız işlemi onaylamadı."),
    "2": _("Kartınız 3-D Secure sistemine kayıtlı değil."),
    "3": _("Kartınızın bankası 3-D Secure sistemine kayıtlı değil."),
    "4": _("3-D Secure doğrulaması tamamlanamadı: kartınız 3-D Secure sistemine kayıtlı değil."),
    "5": _("3-D Secure doğrulaması şu anda yapılamıyor."),
    "6": _("3-D Secure doğrulamasında bir hata oluştu."),
    "7": _("3-D Secure doğrulamasında bir sistem hatası oluştu."),
    "8": _("Kart numarası bankanızca tanınmadı."),
}


def md_status_message(md_status: str) -> str:
    message = MD_STATUS_MESSAGES.get(str(md_status))
    if message is not None:
        return str(message)
    return str(_("3-D Secure doğrulaması başarısız oldu."))
