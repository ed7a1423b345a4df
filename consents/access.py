"""Who may do what in Temel Hizmetler: reading is every member's; adding, uploading and
exporting need «İzin yönetimi» (the authorized person always has it)."""

from accounts.permissions import Role, has_role, role_required


def can_write_consents(membership) -> bool:
    return has_role(membership, Role.CONSENTS)


consent_writer_required = role_required(Role.CONSENTS)
