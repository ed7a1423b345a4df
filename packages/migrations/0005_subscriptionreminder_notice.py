"""Subscription reminders follow the one notice pattern (``iys_portal.notices.Notice``): the
recording time is ``created_at``, the time the e-mail went out ``sent_at``, plus the recipients.
Renames keep the data: the old ``sent_at`` was the recording time, ``emailed_at`` the sending."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("packages", "0004_support_quote_desk"),
    ]

    operations = [
        migrations.RenameField(
            model_name="subscriptionreminder", old_name="sent_at", new_name="created_at"
        ),
        migrations.RenameField(
            model_name="subscriptionreminder", old_name="emailed_at", new_name="sent_at"
        ),
        migrations.AlterField(
            model_name="subscriptionreminder",
            name="created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="oluşturulma"
            ),
        ),
        migrations.AlterField(
            model_name="subscriptionreminder",
            name="sent_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="gönderilme"),
        ),
        migrations.AddField(
            model_name="subscriptionreminder",
            name="recipients",
            field=models.CharField(blank=True, max_length=500, verbose_name="alıcılar"),
        ),
    ]
