"""Validate SP-API requests against the official Swagger models in pipelines/spec.

``check_request(method, path, query, body)`` returns (operationId, problems):
unknown operation, undeclared or missing query parameters, values outside the
declared type/enum/range/format, and request bodies that do not satisfy the
body schema (jsonschema, with the model's definitions). Rules stated only in
prose are taken from the model's own words where they are checkable: a query
parameter whose description says to send it as "the only parameter" must be
sent alone (getReports nextToken).
"""
from __future__ import annotations

import json
import re
from functools import lru_cache

import jsonschema

from pipelines.spapi.regions import MODEL_FILES, load_model

DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_FORMATS = jsonschema.FormatChecker()


@_FORMATS.checks("date-time")
def _is_date_time(value: object) -> bool:
    return not isinstance(value, str) or bool(DATE_TIME.match(value))


@lru_cache(maxsize=None)
def _operations() -> list[tuple[str, re.Pattern, dict, dict]]:
    ops = []
    for name in MODEL_FILES:
        model = load_model(name)
        for template, item in model["paths"].items():
            pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$")
            for method, op in item.items():
                if method in ("get", "post", "put", "delete", "patch"):
                    ops.append((method.upper(), pattern, op, model))
    return ops


def find_operation(method: str, path: str) -> tuple[dict, dict] | None:
    for op_method, pattern, op, model in _operations():
        if op_method == method.upper() and pattern.match(path):
            return op, model
    return None


def _check_scalar(name: str, value: str, spec: dict) -> list[str]:
    problems = []
    kind = spec.get("type")
    if kind == "integer":
        try:
            number = int(value)
        except ValueError:
            return [f"{name}={value!r} is not an integer"]
        if "minimum" in spec and number < spec["minimum"]:
            problems.append(f"{name}={number} < minimum {spec['minimum']}")
        if "maximum" in spec and number > spec["maximum"]:
            problems.append(f"{name}={number} > maximum {spec['maximum']}")
    if "enum" in spec and value not in spec["enum"]:
        problems.append(f"{name}={value!r} not in {spec['enum']}")
    if spec.get("format") == "date-time" and not DATE_TIME.match(value):
        problems.append(f"{name}={value!r} is not an ISO 8601 date-time")
    return problems


def check_request(method: str, path: str, query: dict[str, str], body: bytes | None) -> tuple[str | None, list[str]]:
    found = find_operation(method, path)
    if not found:
        return None, [f"no operation in the models for {method} {path}"]
    op, model = found
    problems: list[str] = []
    params = {p["name"]: p for p in op.get("parameters", []) if "name" in p}
    query_params = {n: p for n, p in params.items() if p.get("in") == "query"}
    for name, value in query.items():
        spec = query_params.get(name)
        if spec is None:
            problems.append(f"query parameter {name!r} is not declared for {op['operationId']}")
            continue
        if "only parameter" in spec.get("description", "") and len(query) > 1:
            problems.append(f"{name} must be the only parameter, got {sorted(query)}")
        if spec.get("type") == "array":
            items = value.split(",")
            if len(items) < spec.get("minItems", 0) or len(items) > spec.get("maxItems", 10**9):
                problems.append(f"{name} has {len(items)} items, allowed {spec.get('minItems')}..{spec.get('maxItems')}")
            for item in items:
                problems += _check_scalar(name, item, spec.get("items", {}))
        else:
            problems += _check_scalar(name, value, spec)
    for name, spec in query_params.items():
        if spec.get("required") and name not in query:
            problems.append(f"required query parameter {name!r} missing")
    body_param = next((p for p in params.values() if p.get("in") == "body"), None)
    if body_param is not None:
        if not body:
            if body_param.get("required"):
                problems.append("required body missing")
        else:
            try:
                document = json.loads(body)
            except ValueError:
                return op["operationId"], problems + ["body is not JSON"]
            schema = {"definitions": model["definitions"], **body_param["schema"]}
            validator = jsonschema.Draft4Validator(schema, format_checker=_FORMATS)
            problems += [f"body: {e.message} at {list(e.absolute_path)}" for e in validator.iter_errors(document)]
    elif body:
        problems.append(f"{op['operationId']} takes no body")
    return op["operationId"], problems


def check_response(operation_id: str, status: int, body: object) -> list[str]:
    """Problems of a response body against the operation's schema for that status."""
    for _, _, op, model in _operations():
        if op["operationId"] == operation_id:
            response = op["responses"].get(str(status))
            if response is None:
                return [f"{operation_id} declares no HTTP {status} response"]
            if "schema" not in response:
                return []
            schema = {"definitions": model["definitions"], **response["schema"]}
            validator = jsonschema.Draft4Validator(schema, format_checker=_FORMATS)
            return [f"response {status}: {e.message} at {list(e.absolute_path)}" for e in validator.iter_errors(body)]
    return [f"unknown operation {operation_id}"]
