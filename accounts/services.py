from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iys_portal.errors import ApplicationError, NotFoundError, PermissionDeniedError
from iys_portal.tasks import queue_task

from . import authorization
from .edevlet.client import Identity
from .models import AuthorizationRequest, Membership, MembershipRoleChange, ServiceProvider, User
from .roles import normalize_roles


@transaction.atomic
def user_sync_from_identity(*, identity: Identity) -> User:
    """The person e-Devlet vouched for; names are refreshed from e-Devlet on every login."""
    user, created = User.objects.select_for_update().get_or_create(
        tckn=identity.tckn,
        defaults={"first_name": identity.first_name, "last_name": identity.last_name},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    elif (user.first_name, user.last_name) != (identity.first_name, identity.last_name):
        user.first_name, user.last_name = identity.first_name, identity.last_name
        user.save(update_fields=["first_name", "last_name"])
    return user


@transaction.atomic
def membership_grant(
    *,
    user: User,
    service_provider: ServiceProvider,
    role: str,
    granted_by: User | None,
    roles=(),
    via: str = "",
) -> Membership:
    """Give ``user`` access to ``service_provider``; re-activates a deactivated membership.

    A delegate gets ``roles`` (always with «Görüntüleme»), and the grant is recorded as a role
    change from nothing (or from the roles of an earlier, ended membership).
    """
    roles = normalize_roles(roles)
    membership = (
        Membership.objects.select_for_update()
        .filter(user=user, service_provider=service_provider)
        .first()
    )
    if membership is None:
        membership = Membership.objects.create(
            user=user,
            service_provider=service_provider,
            role=role,
            roles=roles,
            granted_via=via,
            granted_by=granted_by,
            granted_at=timezone.now(),
        )
        if role == Membership.Role.DELEGATE:
            _record_role_change(membership, before=[], after=roles, actor=granted_by, via=via)
        return membership
    if membership.is_active and membership.role == role:
        return membership
    before = [] if not membership.is_active else list(membership.roles)
    membership.role = role
    membership.roles = roles
    membership.granted_via = via
    membership.is_active = True
    membership.granted_by = granted_by
    membership.granted_at = timezone.now()
    membership.deactivated_by = None
    membership.deactivated_at = None
    membership.save(
        update_fields=[
            "role",
            "roles",
            "granted_via",
            "is_active",
            "granted_by",
            "granted_at",
            "deactivated_by",
            "deactivated_at",
        ]
    )
    if role == Membership.Role.DELEGATE:
        _record_role_change(membership, before=before, after=roles, actor=granted_by, via=via)
    return membership


def _record_role_change(membership, *, before, after, actor, via) -> MembershipRoleChange:
    return MembershipRoleChange.objects.create(
        membership=membership,
        changed_by=actor,
        via=via or "portal",
        changed_at=timezone.now(),
        roles_before=list(before),
        roles_after=list(after),
    )


def _require_authorized_person(*, actor: User, service_provider_id: int, message) -> None:
    if not Membership.objects.filter(
        user=actor,
        service_provider_id=service_provider_id,
        role=Membership.Role.AUTHORIZED,
        is_active=True,
    ).exists():
        raise PermissionDeniedError(message, code="not_authorized_person")


@transaction.atomic
def membership_roles_set(
    *, service_provider: ServiceProvider, membership_id: int, roles, actor: User
) -> Membership:
    """The authorized person sets a delegate's roles (an owner's decision). Recorded with who,
    when, from and to; setting the same set again records nothing."""
    _require_authorized_person(
        actor=actor,
        service_provider_id=service_provider.pk,
        message=_("Rolleri yalnızca yetkili kişi değiştirebilir."),
    )
    try:
        roles = normalize_roles(roles)
    except ValueError:
        raise ApplicationError(_("Geçersiz rol seçimi."), code="bad_role") from None
    membership = (
        Membership.objects.select_for_update()
        .filter(
            pk=membership_id,
            service_provider=service_provider,
            role=Membership.Role.DELEGATE,
            is_active=True,
        )
        .first()
    )
    if membership is None:
        raise NotFoundError(_("Temsilci bulunamadı."), code="not_found")
    before = normalize_roles(membership.roles)
    if before == roles:
        return membership
    membership.roles = roles
    membership.save(update_fields=["roles"])
    _record_role_change(membership, before=before, after=roles, actor=actor, via="portal")
    return membership


@transaction.atomic
def membership_deactivate(*, membership_id: int, actor: User) -> Membership:
    """End a delegate's access. The authorized person cannot be removed from the portal."""
    membership = Membership.objects.select_for_update().get(pk=membership_id)
    if membership.role == Membership.Role.AUTHORIZED:
        raise ApplicationError(_("Yetkili kişinin erişimi portal üzerinden kaldırılamaz."))
    if not membership.is_active:
        return membership
    membership.is_active = False
    membership.deactivated_by = actor
    membership.deactivated_at = timezone.now()
    membership.save(update_fields=["is_active", "deactivated_by", "deactivated_at"])
    _record_role_change(
        membership,
        before=normalize_roles(membership.roles),
        after=[],
        actor=actor,
        via="support" if actor.is_staff else "portal",
    )
    return membership


# --- Authorization requests («İLETİ YÖNETİM SİSTEMİ YETKİLENDİRME TALEP FORMU») ---------------


def _clean_roles(roles) -> list[str]:
    try:
        return normalize_roles(roles)
    except ValueError:
        raise ApplicationError(_("Geçersiz rol seçimi."), code="bad_role") from None


@transaction.atomic
def authorization_request_create(
    *,
    tax_number: str,
    applicant_tckn: str,
    first_name: str,
    last_name: str,
    email: str,
    phone: str,
    role_reason: str,
    ip: str | None = None,
    requested_roles=(),
) -> tuple[AuthorizationRequest, bool]:
    """File a request and queue the pre-filled form to the applicant's e-mail.

    Asking again while a request of the same person for the same company is open files nothing
    new: the form and upload link go again to the address given the first time (so nobody can
    redirect someone else's link), and ``(request, False)`` comes back.
    """
    provider = ServiceProvider.objects.select_for_update().filter(tax_number=tax_number).first()
    if provider is None:
        raise ApplicationError(
            _("Bu vergi kimlik numarasıyla kayıtlı bir hizmet sağlayıcı bulunamadı."),
            code="provider_not_found",
        )
    if Membership.objects.filter(
        service_provider=provider, user__tckn=applicant_tckn, is_active=True
    ).exists():
        raise ApplicationError(
            _(
                "Bu T.C. kimlik numarasının bu hizmet sağlayıcı için giriş yetkisi zaten var; "
                "e-Devlet ile giriş yapabilirsiniz."
            ),
            code="already_member",
        )
    existing = AuthorizationRequest.objects.filter(
        service_provider=provider,
        applicant_tckn=applicant_tckn,
        status__in=AuthorizationRequest.OPEN_STATUSES,
    ).first()
    if existing is not None:
        if existing.status == AuthorizationRequest.Status.AWAITING_SIGNATURE:
            existing = AuthorizationRequest.objects.select_for_update().get(pk=existing.pk)
            if authorization.upload_link_expired(existing):
                # A new link (the old one stops working) for another full period.
                existing.upload_nonce = authorization.new_upload_nonce()
                existing.upload_link_expires_at = authorization.new_upload_deadline()
                existing.save(update_fields=["upload_nonce", "upload_link_expires_at"])
            queue_task("accounts.send_authorization_request_form", existing.pk, False)
        return existing, False

    number = authorization.new_request_number()
    while AuthorizationRequest.objects.filter(number=number).exists():
        number = authorization.new_request_number()
    request = AuthorizationRequest.objects.create(
        number=number,
        service_provider=provider,
        applicant_tckn=applicant_tckn,
        applicant_first_name=first_name.strip(),
        applicant_last_name=last_name.strip(),
        applicant_email=email.strip(),
        applicant_phone=phone,
        role_reason=role_reason.strip(),
        requested_roles=_clean_roles(requested_roles),
        upload_nonce=authorization.new_upload_nonce(),
        upload_link_expires_at=authorization.new_upload_deadline(),
        created_ip=ip or None,
    )
    queue_task("accounts.send_authorization_request_form", request.pk)
    return request, True


@transaction.atomic
def authorization_request_attach_signed_form(
    *, number: str, token: str, signed_form: UploadedFile
) -> AuthorizationRequest:
    """Store the signed PDF (already checked by the form) once; the link is single-use."""
    request = AuthorizationRequest.objects.select_for_update().filter(number=number).first()
    if request is None or not authorization.upload_token_matches(request, token):
        raise NotFoundError(_("Bağlantı geçersiz."), code="bad_token")
    if request.status != AuthorizationRequest.Status.AWAITING_SIGNATURE:
        raise ApplicationError(
            _(
                "Bu bağlantı artık kullanılamaz: talebiniz için imzalı form alınmış ya da talep "
                "sonuçlanmış."
            ),
            code="link_used",
        )
    if authorization.upload_link_expired(request):
        raise ApplicationError(
            _("Bu bağlantının süresi doldu. Lütfen yeni bir yetkilendirme talebi oluşturunuz."),
            code="link_expired",
        )
    request.signed_form.save("imzali-form.pdf", signed_form, save=False)
    request.signed_form_uploaded_at = timezone.now()
    request.status = AuthorizationRequest.Status.SUBMITTED
    request.save(update_fields=["signed_form", "signed_form_uploaded_at", "status"])
    return request


def _check_decider(*, request: AuthorizationRequest, actor: User, via: str) -> None:
    if via == AuthorizationRequest.DecidedVia.PORTAL:
        is_authorized_person = Membership.objects.filter(
            user=actor,
            service_provider_id=request.service_provider_id,
            role=Membership.Role.AUTHORIZED,
            is_active=True,
        ).exists()
        if not is_authorized_person:
            raise PermissionDeniedError(
                _("Talepleri yalnızca hizmet sağlayıcının yetkili kişisi karara bağlayabilir."),
                code="not_authorized_person",
            )
    elif via == AuthorizationRequest.DecidedVia.SUPPORT:
        if not (
            actor.is_active
            and actor.is_staff
            and actor.has_perm("accounts.decide_authorizationrequest")
        ):
            raise PermissionDeniedError(
                _("Yetkilendirme taleplerini karara bağlama yetkiniz yok."), code="not_support"
            )
    else:
        raise ApplicationError(_("Geçersiz karar kanalı."), code="bad_channel")


def _lock_request(authorization_request_id: int) -> AuthorizationRequest:
    request = (
        AuthorizationRequest.objects.select_for_update().filter(pk=authorization_request_id).first()
    )
    if request is None:
        raise NotFoundError(_("Yetkilendirme talebi bulunamadı."), code="not_found")
    return request


@transaction.atomic
def authorization_request_approve(
    *, authorization_request_id: int, actor: User, via: str, roles=None
) -> AuthorizationRequest:
    """Make the applicant an active delegate of the company. Approving twice changes nothing.

    Support approves only on the signed form; the authorized person needs no paper. Support's
    delegate starts with «Görüntüleme» whatever the form asked for (more is the authorized
    person's decision); the authorized person gives ``roles`` (default: what the form asked).
    """
    request = _lock_request(authorization_request_id)
    _check_decider(request=request, actor=actor, via=via)
    if request.status == AuthorizationRequest.Status.APPROVED:
        return request
    if request.status == AuthorizationRequest.Status.REJECTED:
        raise ApplicationError(
            _("Bu talep daha önce reddedildi; onaylanamaz."), code="already_rejected"
        )
    if (
        via == AuthorizationRequest.DecidedVia.SUPPORT
        and request.status != AuthorizationRequest.Status.SUBMITTED
    ):
        raise ApplicationError(
            _("İmzalı form yüklenmeden talep destek ekibince onaylanamaz."),
            code="no_signed_form",
        )

    user, created = User.objects.select_for_update().get_or_create(
        tckn=request.applicant_tckn,
        defaults={
            "first_name": request.applicant_first_name,
            "last_name": request.applicant_last_name,
            "email": request.applicant_email,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    elif not user.email:
        user.email = request.applicant_email
        user.save(update_fields=["email"])
    if Membership.objects.filter(
        user=user,
        service_provider_id=request.service_provider_id,
        role=Membership.Role.AUTHORIZED,
        is_active=True,
    ).exists():
        raise ApplicationError(
            _("Başvuran bu hizmet sağlayıcının yetkili kişisidir; temsilci yapılamaz."),
            code="applicant_is_authorized_person",
        )
    if via == AuthorizationRequest.DecidedVia.SUPPORT:
        roles = []
    elif roles is None:
        roles = request.requested_roles
    membership = membership_grant(
        user=user,
        service_provider=request.service_provider,
        role=Membership.Role.DELEGATE,
        granted_by=actor,
        roles=_clean_roles(roles),
        via=via,
    )
    request.status = AuthorizationRequest.Status.APPROVED
    request.decided_via = via
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.membership = membership
    request.save(update_fields=["status", "decided_via", "decided_by", "decided_at", "membership"])
    queue_task("accounts.send_authorization_request_decision", request.pk)
    return request


@transaction.atomic
def authorization_request_reject(
    *, authorization_request_id: int, actor: User, via: str, reason: str
) -> AuthorizationRequest:
    """Refuse with a reason that is e-mailed to the applicant. Refusing twice changes nothing."""
    reason = (reason or "").strip()
    request = _lock_request(authorization_request_id)
    _check_decider(request=request, actor=actor, via=via)
    if request.status == AuthorizationRequest.Status.REJECTED:
        return request
    if request.status == AuthorizationRequest.Status.APPROVED:
        raise ApplicationError(
            _(
                "Bu talep daha önce onaylandı; reddedilemez. Gerekirse kişinin yetkisini "
                "kaldırınız."
            ),
            code="already_approved",
        )
    if not reason:
        raise ApplicationError(_("Ret gerekçesi yazınız."), code="reason_required")
    if len(reason) > 1000:
        raise ApplicationError(
            _("Ret gerekçesi en fazla 1000 karakter olabilir."), code="reason_too_long"
        )
    request.status = AuthorizationRequest.Status.REJECTED
    request.rejection_reason = reason
    request.decided_via = via
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save(
        update_fields=["status", "rejection_reason", "decided_via", "decided_by", "decided_at"]
    )
    queue_task("accounts.send_authorization_request_decision", request.pk)
    return request


@transaction.atomic
def delegate_deactivate(
    *, service_provider: ServiceProvider, membership_id: int, actor: User
) -> Membership:
    """The authorized person ends a delegate's access to their own company only."""
    _require_authorized_person(
        actor=actor,
        service_provider_id=service_provider.pk,
        message=_("Temsilci yetkisini yalnızca yetkili kişi kaldırabilir."),
    )
    if not Membership.objects.filter(
        pk=membership_id, service_provider=service_provider, role=Membership.Role.DELEGATE
    ).exists():
        raise NotFoundError(_("Temsilci bulunamadı."), code="not_found")
    return membership_deactivate(membership_id=membership_id, actor=actor)
