from django.db import models
from django.utils.translation import gettext_lazy as _


class SimulatorState(models.Model):
    """Short-lived state of the development simulators (e-Devlet codes and tokens, the fake
    payment gateway's payments). In the database, not the per-process cache, so that every
    gunicorn worker sees what another one issued. Never holds a card number or CVC."""

    key = models.CharField(_("anahtar"), max_length=200, primary_key=True)
    value = models.JSONField(_("değer"))
    expires_at = models.DateTimeField(_("geçerlilik sonu"), db_index=True)

    class Meta:
        verbose_name = _("simülatör kaydı")
        verbose_name_plural = _("simülatör kayıtları")

    def __str__(self) -> str:
        return self.key
