"""Domain errors; the web layer maps each to one HTTP status in one place."""


class DomainError(Exception):
    """Base for errors a person can be shown."""

    status_code = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The thing does not exist, or the user may not know that it does."""

    status_code = 404

    def __init__(self, message: str = "We could not find that page."):
        super().__init__(message)


class Forbidden(DomainError):
    """The user may see the thing but not do this to it."""

    status_code = 403


class InvalidInput(DomainError):
    """The request is well-formed but its content is not acceptable."""

    status_code = 400


class TooLarge(DomainError):
    """An upload over the configured size limit."""

    status_code = 413
