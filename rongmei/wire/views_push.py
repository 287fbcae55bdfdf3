"""POST /wire/push/<source id>/: a partner pushes one signed ninjs item (or {"items": [...]}).

Answers are JSON with the reason in Chinese and English: 401 for a signature we do not accept
(nothing stored), 400 with errors per field for JSON or ninjs we cannot take (nothing stored),
201/200 with what happened to each item. See services.receive_push and signing.py.
"""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from . import messages, services, signing


def _json(status, body):
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
def push(request, source_id):
    if request.method != "POST":
        response = _json(405, {"error": "post_only", "message": messages.render_both("post_only")})
        response["Allow"] = "POST"
        return response
    length = request.META.get("CONTENT_LENGTH") or "0"
    limit = services.MAX_PUSH_BYTES
    if (length.isdigit() and int(length) > limit) or len(request.body) > limit:
        params = {"limit_mb": f"{limit / 1024 / 1024:g}"}
        return _json(413, {"error": "too_large", "message": messages.render_both("too_large", params)})
    answer = services.receive_push(
        source_id,
        request.body,
        timestamp=request.headers.get(signing.TIMESTAMP_HEADER),
        signature=request.headers.get(signing.SIGNATURE_HEADER),
        idempotency_key=request.headers.get("Idempotency-Key", ""),
        remote_addr=request.META.get("REMOTE_ADDR", ""),
    )
    return _json(answer.status, answer.body)
