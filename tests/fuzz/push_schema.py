"""An OpenAPI description of the incoming wire's push endpoint (``POST /wire/push/<source>/``).

The endpoint is a plain Django view (rongmei/wire/views_push.py), not a Ninja API, so it has no
document of its own; this one describes what a partner sends (one ninjs item or ``{"items": […]}``)
and what it gets back, so schemathesis can generate pushes. The signature headers are not in the
document: the driver signs each generated body with the source's shared secret (``sign_with``),
as a partner does, and a share of the cases goes unsigned or wrongly signed.
"""

TEXT_ENTRY = {
    "type": "object",
    "properties": {
        "role": {"type": "string"},
        "contenttype": {"type": "string"},
        "value": {"type": "string"},
    },
}

# Times a partner sends (RFC 3339, this century), so positive pushes are mostly taken.
WHEN = {
    "type": "string",
    "pattern": r"^20[0-4][0-9]-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](Z|\+08:00)$",
}
HEADLINE = {
    "type": "object",
    "required": ["value"],
    "properties": {"role": {"enum": ["main", "sub"]}, "value": {"type": "string", "pattern": r"\S"}},
}

NINJS_ITEM = {
    "type": "object",
    "required": ["uri", "headlines"],
    "properties": {
        "uri": {"type": "string", "pattern": r"^\S{1,200}$"},
        "type": {"type": "string", "enum": ["text", "picture", "video", "composite"]},
        "version": {"type": ["string", "integer"]},
        "versioncreated": WHEN,
        "firstcreated": WHEN,
        "contentcreated": WHEN,
        "pubstatus": {"type": "string", "enum": ["usable", "withheld", "canceled"]},
        "language": {"type": "string", "maxLength": 20},
        "by": {"type": "string", "maxLength": 200},
        "headline": {"type": "string", "maxLength": 500},
        "headlines": {"type": "array", "items": HEADLINE, "minItems": 1, "maxItems": 3},
        "bodies": {"type": "array", "items": TEXT_ENTRY},
        "body_html": {"type": "string"},
        "descriptions": {"type": "array", "items": TEXT_ENTRY},
        "copyrightnotice": {"type": "string"},
        "usageterms": {"type": "string"},
        "renditions": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"href": {"type": "string"}, "name": {"type": "string"}},
            },
        },
        "infosources": {"type": "array", "items": {"type": "object"}},
    },
}

ANSWER = {
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "error": {"type": "string"},
                    # The reason in Chinese and English: {"zh-hans": …, "en": …}.
                    "message": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            }
        }
    }
}

PUSH_SCHEMA = {
    "openapi": "3.1.0",
    "info": {"title": "融媒 incoming wire push", "version": "1"},
    "paths": {
        "/wire/push/{source_id}/": {
            "post": {
                "operationId": "push",
                "parameters": [
                    {
                        "name": "source_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                    },
                    {"name": "Idempotency-Key", "in": "header", "schema": {"type": "string"}},
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "oneOf": [
                                    NINJS_ITEM,
                                    {
                                        "type": "object",
                                        "required": ["items"],
                                        "properties": {"items": {"type": "array", "items": NINJS_ITEM}},
                                    },
                                ]
                            }
                        }
                    },
                },
                "responses": {
                    str(status): {"description": "an answer", **ANSWER}
                    for status in (200, 201, 400, 401, 403, 404, 409, 413)
                },
            }
        }
    },
}
