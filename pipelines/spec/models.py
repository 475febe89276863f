"""What the official Swagger models state, read from the files themselves.

Both the client and the sandbox take these numbers from here, so neither can
drift from Amazon's published models nor from each other:

- usage plans (rate in requests per second, burst) from the "Usage Plan" table
  in every operation's description;
- the Data Kiosk query size limit from ``CreateQuerySpecification.query``.

>>> USAGE_PLANS["createReport"], USAGE_PLANS["getReport"]
(UsagePlan(rate=0.0167, burst=15), UsagePlan(rate=2.0, burst=15))
>>> MAX_QUERY_CHARS
8000
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import NamedTuple

from pipelines.spec import SPEC_DIR

MODEL_FILES = ("reports_2021-06-30.json", "dataKiosk_2023-11-15.json", "tokens_2021-03-01.json")
DATAKIOSK_MODEL = "dataKiosk_2023-11-15.json"

# The first table row after "**Usage Plan:**": "| 0.0222 | 10 |".
_PLAN_ROW = re.compile(r"\*\*Usage Plan:\*\*.*?\|\s*(\d+(?:\.\d+)?)\s*\|\s*(\d+)\s*\|", re.DOTALL)
_HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}
# CreateQuerySpecification.query: "A query must be at most 8000 characters after unnecessary whitespace is removed."
_QUERY_LIMIT = re.compile(r"at most (\d+) characters after unnecessary whitespace is removed")


class UsagePlan(NamedTuple):
    rate: float  # requests per second, sustained
    burst: int  # bucket size


@lru_cache(maxsize=None)
def _model_text(name: str) -> str:
    return (SPEC_DIR / name).read_text("utf-8")


def load_model(name: str) -> dict:
    """One official Swagger model from ``pipelines/spec`` (a fresh copy each call)."""
    return json.loads(_model_text(name))


def parse_usage_plans(model: dict) -> dict[str, UsagePlan]:
    """operationId -> UsagePlan for every operation of a Swagger model.

    Raises ValueError when an operation's description has no usage-plan table.
    """
    plans: dict[str, UsagePlan] = {}
    for path_item in model["paths"].values():
        for method, op in path_item.items():
            if method not in _HTTP_METHODS:
                continue
            match = _PLAN_ROW.search(op.get("description", ""))
            if not match:
                raise ValueError(f"operation {op['operationId']} has no Usage Plan table in its model")
            plans[op["operationId"]] = UsagePlan(float(match.group(1)), int(match.group(2)))
    return plans


def query_size_limit(model: dict) -> int:
    """The createQuery size limit (characters after whitespace removal) a Data Kiosk model states."""
    text = model["definitions"]["CreateQuerySpecification"]["properties"]["query"]["description"]
    match = _QUERY_LIMIT.search(text)
    if not match:
        raise ValueError("the Data Kiosk model's CreateQuerySpecification.query states no size limit")
    return int(match.group(1))


def _all_usage_plans() -> dict[str, UsagePlan]:
    plans: dict[str, UsagePlan] = {}
    for name in MODEL_FILES:
        plans.update(parse_usage_plans(load_model(name)))
    return plans


USAGE_PLANS: dict[str, UsagePlan] = _all_usage_plans()
MAX_QUERY_CHARS: int = query_size_limit(load_model(DATAKIOSK_MODEL))
