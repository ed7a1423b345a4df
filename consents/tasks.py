"""Celery tasks of the consent registry: each takes ids and calls one service."""

from celery import shared_task


@shared_task(name="consents.send_address_notice", autoretry_for=(OSError,), max_retries=5)
def send_address_notice(notice_id: int) -> bool:
    from .notices import address_notice_email

    return address_notice_email(notice_id=notice_id)


@shared_task(name="consents.process_upload")
def process_upload(upload_id: int) -> str:
    from .uploads import upload_process

    return upload_process(upload_id=upload_id).status


@shared_task(name="consents.build_export")
def build_export(export_id: int) -> str:
    from .exports import export_build

    return export_build(export_id=export_id).status
