"""Domain errors raised by services. The API and the UI turn them into clear 4xx answers."""


class DomainError(Exception):
    """Base of every business-rule refusal. ``field`` names the input at fault, where there is one."""

    status_code = 400
    title = "Invalid request"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotPermitted(DomainError):
    status_code = 403
    title = "Not permitted"


class NotFound(DomainError):
    status_code = 404
    title = "Not found"


class Conflict(DomainError):
    status_code = 409
    title = "Conflict"


class InvalidInput(DomainError):
    """Bad input. ``errors`` maps each field at fault to its messages."""

    status_code = 400
    title = "Invalid input"

    def __init__(self, message: str, *, field: str | None = None, errors: dict[str, list[str]] | None = None):
        super().__init__(message, field=field)
        self.errors = errors or ({field: [message]} if field else {})


class Unprocessable(InvalidInput):
    """Input of the right shape that a rule refuses, where the rule is more than a schema can say (a
    person's declaration must cite who said it, by authority or document, and when): 422, so the API's
    contract stays exact (a schema-valid request is never a 400)."""

    status_code = 422
    title = "Unprocessable input"
