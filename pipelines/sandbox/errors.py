"""SP-API error responses as exceptions the request handler turns into bodies.

>>> e = ApiError(400, "InvalidInput", "pageSize must be between 1 and 100")
>>> e.body()
{'errors': [{'code': 'InvalidInput', 'message': 'pageSize must be between 1 and 100'}]}
"""
from __future__ import annotations


class ApiError(Exception):
    """An SP-API error: HTTP status plus one ``Error`` of an ``ErrorList`` body."""

    def __init__(self, status: int, code: str, message: str, details: str | None = None):
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message, self.details = status, code, message, details

    def body(self) -> dict:
        err = {"code": self.code, "message": self.message}
        if self.details is not None:
            err["details"] = self.details
        return {"errors": [err]}


def invalid(message: str, details: str | None = None) -> ApiError:
    return ApiError(400, "InvalidInput", message, details)


def not_found(message: str) -> ApiError:
    return ApiError(404, "NotFound", message)


QUOTA_EXCEEDED = (429, "QuotaExceeded", "You exceeded your quota for the requested resource.")
DENIED = "Access to requested resource is denied."
