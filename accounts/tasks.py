"""Celery tasks of the accounts app: each takes ids and calls one service."""

from celery import shared_task

from . import emails


@shared_task(
    name="accounts.send_authorization_request_form",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_authorization_request_form(
    authorization_request_id: int, notify_company: bool = True
) -> None:
    emails.authorization_request_form_send(
        authorization_request_id=authorization_request_id, notify_company=notify_company
    )


@shared_task(
    name="accounts.send_authorization_request_decision",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_authorization_request_decision(authorization_request_id: int) -> None:
    emails.authorization_request_decision_send(authorization_request_id=authorization_request_id)
