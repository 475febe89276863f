"""Validate requests and responses against an official Swagger 2.0 model.

Generic on purpose (the client's tests use it too):

    validate_response(model_path, "getReport", 200, body)
    validate_request(model_path, "createReport", {}, {"reportType": ..., "marketplaceIds": [...]})

Both raise ``AssertionError`` naming the operation and what does not match.
``#/definitions/...`` references are resolved against the model itself.
"""
from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

from pipelines.spec import SPEC_DIR

MODELS = SPEC_DIR
REPORTS_MODEL = MODELS / "reports_2021-06-30.json"
DATAKIOSK_MODEL = MODELS / "dataKiosk_2023-11-15.json"
TOKENS_MODEL = MODELS / "tokens_2021-03-01.json"

_formats = jsonschema.FormatChecker()


@_formats.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if isinstance(value, str):
        if "T" not in value:
            raise ValueError(f"{value!r} has no time part")
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


@lru_cache(maxsize=None)
def load_model(model_path: str | Path) -> dict:
    return json.loads(Path(model_path).read_text(encoding="utf-8"))


def find_operation(model: dict, operation_id: str) -> tuple[str, str, dict]:
    """(method, path template, operation object) for ``operation_id``."""
    for path, methods in model["paths"].items():
        for method, op in methods.items():
            if isinstance(op, dict) and op.get("operationId") == operation_id:
                return method.upper(), path, op
    raise AssertionError(f"operation {operation_id!r} is not in the model")


def _validate(model: dict, schema: dict, instance: Any, where: str) -> None:
    rooted = {**schema, "definitions": model.get("definitions", {})}
    validator = jsonschema.Draft4Validator(rooted, format_checker=_formats)
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.path))
    if errors:
        details = "; ".join(f"{'/'.join(map(str, e.path)) or '<root>'}: {e.message}" for e in errors[:5])
        raise AssertionError(f"{where}: {details}")


def validate_response(model_path: str | Path, operation_id: str, status: int, body: Any) -> None:
    """The status is documented for the operation and the body matches its schema."""
    model = load_model(str(model_path))
    _, _, op = find_operation(model, operation_id)
    response = op["responses"].get(str(status)) or op["responses"].get("default")
    if response is None:
        raise AssertionError(f"{operation_id}: status {status} is not documented "
                             f"(documented: {', '.join(op['responses'])})")
    schema = response.get("schema")
    if schema is None:
        if body not in (None, b"", ""):
            raise AssertionError(f"{operation_id} {status}: the model documents no body, got {body!r}")
        return
    _validate(model, schema, body, f"{operation_id} {status} response")


_JSON_TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "array": list}


def validate_request(model_path: str | Path, operation_id: str, params: dict[str, Any], body: Any = None) -> None:
    """Path/query/header ``params`` and the JSON ``body`` match the operation's parameters.

    Required parameters must be present; no unknown parameter; values match
    their declared type, enum, bounds and item counts.
    """
    model = load_model(str(model_path))
    _, _, op = find_operation(model, operation_id)
    declared = {p["name"]: p for p in op.get("parameters", []) if p["in"] != "body"}
    body_param = next((p for p in op.get("parameters", []) if p["in"] == "body"), None)
    unknown = sorted(set(params) - set(declared))
    if unknown:
        raise AssertionError(f"{operation_id}: unknown parameters {unknown}")
    for name, p in declared.items():
        if name not in params:
            if p.get("required"):
                raise AssertionError(f"{operation_id}: required parameter {name!r} is missing")
            continue
        schema = {k: v for k, v in p.items() if k not in ("name", "in", "description", "required")}
        value = params[name]
        if p.get("type") == "array" and isinstance(value, str):
            value = value.split(",")
        _validate(model, schema, value, f"{operation_id} parameter {name}")
    if body_param is not None:
        if body is None:
            if body_param.get("required"):
                raise AssertionError(f"{operation_id}: the request body is required")
            return
        _validate(model, body_param["schema"], body, f"{operation_id} request body")
    elif body is not None:
        raise AssertionError(f"{operation_id}: the operation takes no body")
