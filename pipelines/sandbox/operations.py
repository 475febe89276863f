"""SP-API operations the sandbox serves, read from the official Swagger models.

Routes (method + path template → operationId) and usage plans (rate, burst)
come from the model files in ``pipelines/spec/``; nothing here is hand-typed.

>>> ops = load_operations()
>>> ops["getReport"].rate, ops["getReport"].burst
(2.0, 15)
>>> match_route(ops, "GET", "/reports/2021-06-30/reports/42")
(Operation(id='getReport', ...), {'reportId': '42'})
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

from pipelines.spec import SPEC_DIR
from pipelines.spec.models import USAGE_PLANS

MODELS_DIR = SPEC_DIR
MODEL_FILES = {
    "reports": MODELS_DIR / "reports_2021-06-30.json",
    "datakiosk": MODELS_DIR / "dataKiosk_2023-11-15.json",
    "tokens": MODELS_DIR / "tokens_2021-03-01.json",
}



@dataclass(frozen=True)
class Operation:
    id: str
    method: str
    path: str  # template, e.g. /reports/2021-06-30/reports/{reportId}
    rate: float  # requests per second (official default usage plan)
    burst: int
    api: str
    pattern: re.Pattern = field(repr=False, compare=False, default=None)  # type: ignore[assignment]

    def __repr__(self) -> str:  # keeps doctest output short
        return f"Operation(id={self.id!r}, ...)"


def _compile(template: str) -> re.Pattern:
    regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
    return re.compile(f"^{regex}$")


@lru_cache(maxsize=1)
def load_operations() -> dict[str, Operation]:
    """Every operation of the Reports, Data Kiosk and Tokens models, by operationId."""
    out: dict[str, Operation] = {}
    for api, path in MODEL_FILES.items():
        model = json.loads(path.read_text(encoding="utf-8"))
        for template, methods in model["paths"].items():
            for method, op in methods.items():
                if method == "parameters":
                    continue
                rate, burst = USAGE_PLANS[op["operationId"]]
                out[op["operationId"]] = Operation(op["operationId"], method.upper(), template, rate, burst,
                                                   api, _compile(template))
    return out


def match_route(ops: dict[str, Operation], method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
    """The operation serving ``method path`` and its path parameters, or None."""
    for op in ops.values():
        if op.method == method:
            m = op.pattern.match(path)
            if m:
                return op, m.groupdict()
    return None


def path_known(ops: dict[str, Operation], path: str) -> bool:
    """True when some operation serves ``path`` with another method (→ 405, not 404)."""
    return any(op.pattern.match(path) for op in ops.values())
