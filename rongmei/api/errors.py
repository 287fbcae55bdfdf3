"""Errors of the JSON APIs (the content API and the partner pull API): one ``{code, detail}`` shape,
never cached."""

from django.utils.translation import gettext as _
from ninja.errors import ValidationError as NinjaValidationError


class ApiError(Exception):
    """An answer other than 200: ``status``, a stable ``code`` and words for a person (``detail``)."""

    def __init__(self, status, code, detail):
        self.status, self.code, self.detail = status, code, detail


def error_response(api, request, status, code, detail):
    response = api.create_response(request, {"code": code, "detail": str(detail)}, status=status)
    response["Cache-Control"] = "no-store"
    return response


def answer_errors(api, *, max_limit):
    """Make ``api`` answer an ``ApiError``, and parameters Ninja refuses, in the ``{code, detail}`` shape."""

    @api.exception_handler(ApiError)
    def api_error(request, exc):
        return error_response(api, request, exc.status, exc.code, exc.detail)

    @api.exception_handler(NinjaValidationError)
    def bad_parameters(request, exc):
        names = sorted({str(error.get("loc", ["", "?"])[-1]) for error in exc.errors})
        return error_response(
            api,
            request,
            400,
            "bad_request",
            _(
                "These parameters are not valid: %(names)s. limit is a number from 1 to %(max)s; an id is a positive number."
            )
            % {"names": ", ".join(names), "max": max_limit},
        )
