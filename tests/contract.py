"""Validate SP-API requests and responses against the official Swagger 2.0 models
(``pipelines/spec``): the sandbox's tests check what it answers, the client's
tests check what it sends, with the same rules.

    validate_response(REPORTS_MODEL, "getReport", 200, body)
    validate_request(REPORTS_MODEL, "createReport", {}, {"reportType": ..., "marketplaceIds": [...]})
    operation_id, problems = check_request("GET", "/reports/2021-06-30/reports", {"pageSize": "10"}, None)

``#/definitions/...`` references resolve against the model itself. Rules the
models state only in prose are checked too: ``nextToken`` must be the only
query parameter where its description says so.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

from pipelines.spec import SPEC_DIR

REPORTS_MODEL = SPEC_DIR / "reports_2021-06-30.json"
DATAKIOSK_MODEL = SPEC_DIR / "dataKiosk_2023-11-15.json"
TOKENS_MODEL = SPEC_DIR / "tokens_2021-03-01.json"
MODELS = (REPORTS_MODEL, DATAKIOSK_MODEL, TOKENS_MODEL)

DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_FORMATS = jsonschema.FormatChecker()


@_FORMATS.checks("date-time")
def _is_date_time(value: object) -> bool:
    return not isinstance(value, str) or bool(DATE_TIME.match(value))


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


@lru_cache(maxsize=None)
def _routes() -> list[tuple[str, re.Pattern, str, Path]]:
    routes = []
    for model_path in MODELS:
        for template, item in load_model(model_path)["paths"].items():
            pattern = re.compile("^" + re.sub(r"\{([^}]+)\}", r"(?P<\1>[^/]+)", template) + "$")
            for method, op in item.items():
                if isinstance(op, dict) and "operationId" in op:
                    routes.append((method.upper(), pattern, op["operationId"], model_path))
    return routes


def route(method: str, path: str) -> tuple[str, Path, dict[str, str]] | None:
    """(operationId, model path, path parameters) of the operation serving ``method path``."""
    for m, pattern, op_id, model in _routes():
        match = pattern.match(path) if m == method.upper() else None
        if match:
            return op_id, model, match.groupdict()
    return None


def _problems(model: dict, schema: dict, instance: Any, where: str) -> list[str]:
    rooted = {**schema, "definitions": model.get("definitions", {})}
    validator = jsonschema.Draft4Validator(rooted, format_checker=_FORMATS)
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.path))
    return [f"{where}: {'/'.join(map(str, e.path)) or '<root>'}: {e.message}" for e in errors[:5]]


def _coerce(value: Any, spec: dict) -> Any:
    """Query values arrive as text: arrays comma-separated, integers as digits."""
    if spec.get("type") == "array" and isinstance(value, str):
        return [_coerce(v, spec.get("items", {})) for v in value.split(",")]
    if spec.get("type") == "integer" and isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return value
    if spec.get("type") == "boolean" and value in ("true", "false"):
        return value == "true"
    return value


def request_problems(model_path: str | Path, operation_id: str, params: dict[str, Any],
                     body: Any = None) -> list[str]:
    """What is wrong with a request's query/path ``params`` and JSON ``body``."""
    model = load_model(str(model_path))
    _, _, op = find_operation(model, operation_id)
    declared = {p["name"]: p for p in op.get("parameters", []) if p["in"] != "body"}
    body_param = next((p for p in op.get("parameters", []) if p["in"] == "body"), None)
    problems = [f"{operation_id}: unknown parameter {name!r}" for name in sorted(set(params) - set(declared))]
    for name, p in declared.items():
        if name not in params:
            if p.get("required"):
                problems.append(f"{operation_id}: required parameter {name!r} is missing")
            continue
        query_names = sorted(q for q in params if declared.get(q, {}).get("in") == "query")
        if "only parameter" in p.get("description", "") and len(query_names) > 1:
            problems.append(f"{operation_id}: {name} must be the only parameter, got {query_names}")
        schema = {k: v for k, v in p.items() if k not in ("name", "in", "description", "required")}
        problems += _problems(model, schema, _coerce(params[name], p), f"{operation_id} parameter {name}")
    if body_param is not None:
        if body is None:
            if body_param.get("required"):
                problems.append(f"{operation_id}: the request body is required")
        else:
            problems += _problems(model, body_param["schema"], body, f"{operation_id} request body")
    elif body is not None:
        problems.append(f"{operation_id}: the operation takes no body")
    return problems


def response_problems(model_path: str | Path, operation_id: str, status: int, body: Any) -> list[str]:
    """What is wrong with a response: an undocumented status, or a body off its schema."""
    model = load_model(str(model_path))
    _, _, op = find_operation(model, operation_id)
    response = op["responses"].get(str(status)) or op["responses"].get("default")
    if response is None:
        return [f"{operation_id}: status {status} is not documented (documented: {', '.join(op['responses'])})"]
    schema = response.get("schema")
    if schema is None:
        return [] if body in (None, b"", "") else [f"{operation_id} {status}: the model documents no body"]
    return _problems(model, schema, body, f"{operation_id} {status} response")


def validate_request(model_path: str | Path, operation_id: str, params: dict[str, Any], body: Any = None) -> None:
    problems = request_problems(model_path, operation_id, params, body)
    assert not problems, "; ".join(problems)


def validate_response(model_path: str | Path, operation_id: str, status: int, body: Any) -> None:
    problems = response_problems(model_path, operation_id, status, body)
    assert not problems, "; ".join(problems)


def check_request(method: str, path: str, query: dict[str, str], body: bytes | None) -> tuple[str | None, list[str]]:
    """(operationId, problems) of a raw HTTP request as a client sent it."""
    found = route(method, path)
    if found is None:
        return None, [f"no operation in the models for {method} {path}"]
    operation_id, model_path, path_params = found
    try:
        document = json.loads(body) if body else None
    except ValueError:
        return operation_id, ["body is not JSON"]
    return operation_id, request_problems(model_path, operation_id, {**query, **path_params}, document)


def check_response(operation_id: str, status: int, body: object) -> list[str]:
    """Problems of a response to ``operation_id`` (looked up in every model)."""
    for model_path in MODELS:
        try:
            find_operation(load_model(str(model_path)), operation_id)
        except AssertionError:
            continue
        return response_problems(model_path, operation_id, status, body)
    return [f"unknown operation {operation_id}"]
