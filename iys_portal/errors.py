"""Domain errors raised by services; views show ``message`` (Turkish) to the user."""


class ApplicationError(Exception):
    def __init__(self, message, *, code: str = "invalid", extra: dict | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.extra = extra or {}

    def __str__(self) -> str:
        return str(self.message)


class PermissionDeniedError(ApplicationError):
    pass


class NotFoundError(ApplicationError):
    pass
