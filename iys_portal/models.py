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


class HeldTask(models.Model):
    """The task outbox: a Celery task whose send could not reach the broker (Redis down).
    ``iys_portal.task_outbox`` records it here and sends it, once, when the broker is back;
    ``sent_at`` says when."""

    task_id = models.CharField(_("görev kimliği"), max_length=64, unique=True)
    task_name = models.CharField(_("görev"), max_length=200)
    args = models.JSONField(_("argümanlar"), default=list, blank=True)
    kwargs = models.JSONField(_("anahtarlı argümanlar"), default=dict, blank=True)
    held_at = models.DateTimeField(_("bekletilme zamanı"), auto_now_add=True)
    sent_at = models.DateTimeField(_("gönderilme zamanı"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("gönderme denemesi"), default=0)
    last_error = models.TextField(_("son hata"), blank=True)

    class Meta:
        verbose_name = _("bekletilen görev")
        verbose_name_plural = _("bekletilen görevler")
        indexes = [
            models.Index(
                fields=["held_at"],
                condition=models.Q(sent_at__isnull=True),
                name="heldtask_unsent_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_name} ({self.task_id})"
