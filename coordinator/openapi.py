"""OpenAPI for routes that parse their bodies themselves (strict JSON, see models.py).

:func:`json_body` is a route's ``openapi_extra`` naming its request model; :func:`build_openapi`
adds those models' JSON schemas to ``components.schemas``, so /openapi.json documents every
body although FastAPI does not parse them.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from .models import REQUEST_MODELS

_REF = "#/components/schemas/{model}"


def json_body(model: type[BaseModel] | None, description: str = "") -> dict[str, Any]:
    """``openapi_extra`` for a route whose JSON body is ``model`` (None: any JSON object,
    checked by the protocol library's parser)."""
    schema = ({"$ref": _REF.format(model=model.__name__)} if model is not None
              else {"type": "object"})
    body: dict[str, Any] = {"required": True,
                            "content": {"application/json": {"schema": schema}}}
    if description:
        body["description"] = description
    return {"requestBody": body}


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document with the request models' schemas (cached on the app)."""
    if app.openapi_schema is None:
        doc = get_openapi(title=app.title, version=app.version, description=app.description,
                          routes=app.routes)
        schemas = doc.setdefault("components", {}).setdefault("schemas", {})
        for model in REQUEST_MODELS:
            schema = model.model_json_schema(ref_template=_REF)
            schemas.update(schema.pop("$defs", {}))
            schemas[model.__name__] = schema
        app.openapi_schema = doc
    return app.openapi_schema


__all__ = ["build_openapi", "json_body"]
