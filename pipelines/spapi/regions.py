"""SP-API endpoints, marketplaces and usage plans.

Usage plans (rate in requests per second, burst) are parsed at import from the
"Usage Plan" tables in the official models shipped in ``pipelines/spec/`` — the same
files Amazon publishes — so they can never drift from a hand-typed copy.

>>> REGIONS["eu"].endpoint
'https://sellingpartnerapi-eu.amazon.com'
>>> MARKETPLACES["A1PA6795UKMFR9"]
Marketplace(id='A1PA6795UKMFR9', country='DE', region='eu')
>>> USAGE_PLANS["createReport"]
UsagePlan(rate=0.0167, burst=15)
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import NamedTuple

from pipelines.spec import SPEC_DIR

LWA_ENDPOINT = "https://api.amazon.com/auth/o2/token"


@dataclass(frozen=True)
class Region:
    name: str
    endpoint: str
    sandbox_endpoint: str
    aws_region: str


REGIONS: dict[str, Region] = {
    r.name: r
    for r in (
        Region("na", "https://sellingpartnerapi-na.amazon.com",
               "https://sandbox.sellingpartnerapi-na.amazon.com", "us-east-1"),
        Region("eu", "https://sellingpartnerapi-eu.amazon.com",
               "https://sandbox.sellingpartnerapi-eu.amazon.com", "eu-west-1"),
        Region("fe", "https://sellingpartnerapi-fe.amazon.com",
               "https://sandbox.sellingpartnerapi-fe.amazon.com", "us-west-2"),
    )
}


@dataclass(frozen=True)
class Marketplace:
    id: str
    country: str
    region: str


MARKETPLACES: dict[str, Marketplace] = {
    m.id: m
    for m in (
        Marketplace("ATVPDKIKX0DER", "US", "na"),
        Marketplace("A2EUQ1WTGCTBG2", "CA", "na"),
        Marketplace("A1AM78C64UM0Y8", "MX", "na"),
        Marketplace("A2Q3Y263D00KWC", "BR", "na"),
        Marketplace("A1F83G8C2ARO7P", "UK", "eu"),
        Marketplace("A1PA6795UKMFR9", "DE", "eu"),
        Marketplace("A13V1IB3VIYZZH", "FR", "eu"),
        Marketplace("APJ6JRA9NG5V4", "IT", "eu"),
        Marketplace("A1RKKUPIHCS9HS", "ES", "eu"),
        Marketplace("A1805IZSGTT6HS", "NL", "eu"),
        Marketplace("A2NODRKZP88ZB9", "SE", "eu"),
        Marketplace("A1C3SOZRARQ6R3", "PL", "eu"),
        Marketplace("AMEN7PMS3EDWL", "BE", "eu"),
        Marketplace("A33AVAJ2PDY3EV", "TR", "eu"),
        Marketplace("A21TJRUUN4KGV", "IN", "eu"),
        Marketplace("A2VIGQ35RCS4UG", "AE", "eu"),
        Marketplace("A17E79C6D8DWNP", "SA", "eu"),
        Marketplace("ARBP9OOSHTCHU", "EG", "eu"),
        Marketplace("A1VC38T7YXB528", "JP", "fe"),
        Marketplace("A39IBJ37TRP1C6", "AU", "fe"),
        Marketplace("A19VAU5U5O7RUS", "SG", "fe"),
    )
}


def region_of(marketplace_id: str) -> str | None:
    """Region name (na|eu|fe) serving a marketplace, or None when it is not in the table."""
    m = MARKETPLACES.get(marketplace_id)
    return m.region if m else None


class UsagePlan(NamedTuple):
    rate: float  # requests per second, sustained
    burst: int  # bucket size


MODEL_FILES = ("reports_2021-06-30.json", "dataKiosk_2023-11-15.json", "tokens_2021-03-01.json")

# The first table row after "**Usage Plan:**": "| 0.0222 | 10 |".
_PLAN_ROW = re.compile(r"\*\*Usage Plan:\*\*.*?\|\s*(\d+(?:\.\d+)?)\s*\|\s*(\d+)\s*\|", re.DOTALL)
_HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def load_model(name: str) -> dict:
    """One official Swagger model from ``pipelines/spec``."""
    return json.loads((SPEC_DIR / name).read_text("utf-8"))


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


def _all_usage_plans() -> dict[str, UsagePlan]:
    plans: dict[str, UsagePlan] = {}
    for name in MODEL_FILES:
        plans.update(parse_usage_plans(load_model(name)))
    return plans


USAGE_PLANS: dict[str, UsagePlan] = _all_usage_plans()
