"""Request bodies: bounded JSON parsing, and checks against the body schemas of the official models.

Handlers then only check meaning (known report types, marketplaces, windows):
every field's JSON type, required fields, enums and list sizes come from the models.

>>> parse_json(b'{"a": [1, 2]}')
{'a': [1, 2]}
>>> parse_json(b"[" * 40 + b"]" * 40)
Traceback (most recent call last):
...
pipelines.sandbox.request_body.BodyError: the JSON is nested more than 32 levels deep
>>> check_body("createReport", {"reportType": "X", "marketplaceIds": ["A", 7]})
Traceback (most recent call last):
...
pipelines.sandbox.errors.ApiError: 400 InvalidInput: Invalid request body: marketplaceIds[1] must be a string
"""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from pipelines.sandbox.errors import invalid
from pipelines.spec.models import MODEL_FILES, load_model

MAX_DEPTH = 32  # SP-API bodies are 3 levels deep; deeper input is refused before anything recurses over it
_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "integer": int, "number": (int, float)}
_NAMES = {"object": "an object", "array": "a list", "string": "a string", "boolean": "true or false",
          "integer": "an integer", "number": "a number"}


class BodyError(ValueError):
    """A body that is not UTF-8 JSON nested at most ``MAX_DEPTH`` levels."""


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON value")


def parse_json(raw: bytes) -> Any:
    """The JSON value of a request body; BodyError naming what is wrong."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise BodyError(f"the body is not UTF-8 (invalid byte at offset {e.start})") from None
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise BodyError(f"the JSON is nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as e:
        raise BodyError(f"the body is not valid JSON: {e}") from None
    if _too_deep(value):
        raise BodyError(f"the JSON is nested more than {MAX_DEPTH} levels deep")
    return value


def _too_deep(value: Any) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > MAX_DEPTH:
                return True
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False


@lru_cache(maxsize=1)
def _body_schemas() -> dict[str, tuple[dict, dict]]:
    """operationId → (body schema, the model's definitions) for every operation that takes a body."""
    out = {}
    for name in MODEL_FILES:
        model = load_model(name)
        for item in model["paths"].values():
            for op in item.values():
                for param in op.get("parameters", ()) if isinstance(op, dict) else ():
                    if param.get("in") == "body":
                        out[op["operationId"]] = (param["schema"], model.get("definitions", {}))
    return out


def check_body(operation_id: str, body: Any) -> None:
    """400 InvalidInput naming the first field of ``body`` that its operation's model forbids."""
    entry = _body_schemas().get(operation_id)
    if entry is None:
        return
    schema, definitions = entry
    problem = _problem(schema, body, definitions, "")
    if problem:
        message, field_schema = problem
        description = field_schema.get("description", "").split("\n")[0]
        raise invalid(f"Invalid request body: {message}", description or None)


def _problem(schema: dict, value: Any, definitions: dict, where: str) -> tuple[str, dict] | None:
    ref = schema.get("$ref")
    if ref:
        schema = {**definitions[ref.rsplit("/", 1)[-1]], **{k: v for k, v in schema.items() if k != "$ref"}}
    name = _cut(where) or "the body"
    kind = schema.get("type") or ("object" if "properties" in schema else None)
    if kind in _TYPES and (not isinstance(value, _TYPES[kind]) or (isinstance(value, bool) and kind != "boolean")):
        return f"{name} must be {_NAMES[kind]}", schema
    if "enum" in schema and value not in schema["enum"]:
        return f"{name} must be one of {', '.join(map(str, schema['enum']))}", schema
    if kind == "object":
        properties = schema.get("properties", {})
        for required in schema.get("required", ()):
            if required not in value:
                return f"{_join(where, required)} is required", properties.get(required, {})
        extra = schema.get("additionalProperties")
        for key, item in value.items():
            sub = properties.get(key, extra if isinstance(extra, dict) else None)
            found = sub is not None and _problem(sub, item, definitions, _join(where, key))
            if found:
                return found
    if kind == "array":
        least, most = schema.get("minItems"), schema.get("maxItems")
        if least is not None and len(value) < least:
            return f"{name} must have at least {least} {'entry' if least == 1 else 'entries'}", schema
        if most is not None and len(value) > most:
            return f"{name} has {len(value)} entries; at most {most} are allowed", schema
        for i, item in enumerate(value):
            found = _problem(schema.get("items", {}), item, definitions, f"{where}[{i}]")
            if found:
                return found
    return None


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _cut(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."
