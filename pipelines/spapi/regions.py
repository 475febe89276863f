"""SP-API endpoints, marketplaces and usage plans.

Usage plans (rate in requests per second, burst) are the ones the official
models state (``pipelines.spec.models`` parses their "Usage Plan" tables; the
sandbox reads the same), so they can never drift from a hand-typed copy.

>>> REGIONS["eu"].endpoint
'https://sellingpartnerapi-eu.amazon.com'
>>> MARKETPLACES["A1PA6795UKMFR9"]
Marketplace(id='A1PA6795UKMFR9', country='DE', region='eu')
>>> USAGE_PLANS["createReport"]
UsagePlan(rate=0.0167, burst=15)
"""
from __future__ import annotations

from dataclasses import dataclass

from pipelines.spec.models import USAGE_PLANS, UsagePlan, load_model, parse_usage_plans  # noqa: F401 - the client's view

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


# ISO 4217 currency of each marketplace's country, for report options that name one
# (GET_VENDOR_REAL_TIME_SALES_REPORT's currencyCode).
CURRENCIES: dict[str, str] = {
    "US": "USD", "CA": "CAD", "MX": "MXN", "BR": "BRL", "UK": "GBP", "DE": "EUR", "FR": "EUR", "IT": "EUR",
    "ES": "EUR", "NL": "EUR", "SE": "SEK", "PL": "PLN", "BE": "EUR", "TR": "TRY", "IN": "INR", "AE": "AED",
    "SA": "SAR", "EG": "EGP", "JP": "JPY", "AU": "AUD", "SG": "SGD",
}


def currency_of(marketplace_id: str) -> str | None:
    """The marketplace's currency, or None when it is not in the table.

    >>> currency_of("A1PA6795UKMFR9"), currency_of("A1VC38T7YXB528")
    ('EUR', 'JPY')
    """
    m = MARKETPLACES.get(marketplace_id)
    return CURRENCIES.get(m.country) if m else None
