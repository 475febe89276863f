"""JSON reports with an official schema, rendered from the synthetic seller: Brand Analytics,
vendor retail analytics, coupon and promotion performance, account health
(GET_V2_SELLER_PERFORMANCE_REPORT), B2B product opportunities and ASIN page views
(MARKETPLACE_ASIN_PAGE_VIEW_METRICS, see ``page_views``).

Each report type is one ``JsonReport``, a layout this module registers in the sandbox's
layout registry (``layouts.register``; ``render`` imports it): its schema file(s) in
``pipelines/spec``, the accounts that may request it, its period rules, and a ``records``
function stating what the seller knows (ASINs, units, sales, sessions of each period; see ``brand_analytics``,
``vendor_analytics``, ``deals``, ``account_reports``). ``schema_fill`` completes every
other field from the schema; ``*Aggregate`` rows are the sums of the by-ASIN rows of
their period. A document is the same for the same (seed, report type, marketplaces,
window, options) once its days are final; a report that reads no dates (a snapshot, or a
window given as start-date options) is the same all day.

``JsonReport.truth`` is a document's ground truth (``json_truth.JsonTruth``): the typed
leaves of its records by JSON path, with their child arrays, for the document the
product's request for a window gets; each report names the leaves identifying its
records (``keys``) and the one its window selects records on (``window_field``).

What Amazon enforces, and how the sandbox answers it:

- createReport, 400 InvalidInput: a ``reportOptions`` value the schema's
  ``reportSpecification.reportOptions`` requires is missing, or not one of its enum
  values, or not a date-time where it is one; per-report option rules.
- createReport, 403 Unauthorized: a vendor report asked by a seller account, or a seller
  report by a vendor account (``SandboxConfig.vendor``), as Amazon answers an account
  without the report's role ("Access to the resource is forbidden", amzn/selling-partner-api-models
  issues #4508 and #511 for GET_VENDOR_SALES_REPORT and GET_VENDOR_FORECASTING_REPORT).
- processing, FATAL with Amazon's client-error details: a window that does not start and
  end on its ``reportPeriod``'s boundaries ("this value must correspond to the first day in
  the reportPeriod that you specify or else a fatal error returns", schemas of the search
  query and search catalog performance reports), more than one period where a report takes
  one, more than one marketplace where a report takes one ("If you specify multiple
  marketplaces, a fatal error returns and report generation fails", same schemas), a
  marketplace the report does not exist in (``countries``), data not available yet, a window
  past the documented lookback.

>>> sorted(REPORTS)[:2]
['GET_B2B_PRODUCT_OPPORTUNITIES_NOT_YET_ON_AMAZON', 'GET_B2B_PRODUCT_OPPORTUNITIES_RECOMMENDED_FOR_YOU']
>>> fatal_reason("GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT", ["ATVPDKIKX0DER"], {"reportPeriod": "WEEK"},  # doctest: +ELLIPSIS
...              datetime(2025, 1, 6, tzinfo=UTC), datetime(2025, 1, 11, tzinfo=UTC), datetime(2025, 3, 1, tzinfo=UTC))
'A client error occurred. ... (dataStartTime 2025-01-06 is not the first day of a WEEK (Sunday to Saturday)).'
"""
from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from functools import lru_cache
from typing import Callable, ClassVar, Mapping, Sequence

from pipelines.sandbox import account_reports, brand_analytics, deals, page_views, vendor_analytics
from pipelines.sandbox.errors import DENIED, ApiError, invalid
from pipelines.sandbox.formats import GZIP_LEVEL
from pipelines.sandbox.layouts import register
from pipelines.sandbox.json_truth import JsonTruth, document_truth
from pipelines.sandbox.layouts.model import END_INCLUSIVE, JSON_CONTENT_TYPE, Layout, Rendered, RenderRequest
from pipelines.sandbox.report_facts import Request, midnight, period_of, split, utc_z
from pipelines.sandbox.schema_fill import Context, Exact, fill, resolve
from pipelines.sandbox.seller import MARKETPLACES, SyntheticSeller
from pipelines.sandbox.validation import parse_time
from pipelines.spec import SPEC_DIR

UTC = timezone.utc
SELLER, VENDOR = "seller", "vendor"
# The errorDetails of Amazon's FATAL documents for parameters a report type does not accept
# (amzn/selling-partner-api-models issues #5065, #5042: Brand Analytics reports).
CLIENT_ERROR = ("A client error occurred. Please double check that your parameters are valid and fulfill "
                "the requirements of the report type.")
MAX_ASIN_CHARS = 200  # "There is a 200-character limit." (search query/catalog performance schemas)
VENDOR_CODE, BRAND = "SBXV1", "Sandbox Home"  # as the Data Kiosk vendor view names the vendor

OptionRule = Callable[[dict, list, datetime], dict]
WindowRule = Callable[[list, str | None, datetime, datetime, datetime], str | None]


@dataclass(frozen=True)
class JsonReport(Layout):
    """One JSON report type: a layout of the sandbox's registry (``layouts.register``)."""

    report_type: str
    schema: str  # file in pipelines/spec
    records: Callable[[Request], dict]  # array name → records (given fields)
    accounts: tuple[str, ...] = (SELLER, VENDOR)
    vendor_schema: str | None = None  # the vendor's document, where it differs
    single_period: bool = False  # "Requests cannot span multiple reporting periods"
    one_marketplace: bool = True
    aggregates: tuple[tuple[str, str], ...] = ()  # (aggregate array, by-ASIN array): sums per period
    defaults: Callable[[list], dict] | None = None  # reportOptions added when not given
    options: OptionRule | None = None  # further createReport rules (400)
    window: WindowRule | None = None  # further processing rules (FATAL)
    keys: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)  # records array → identifying leaves
    window_field: str | None = None  # the record leaf the window selects records on
    start_options: tuple[str, str] | None = None  # (seller, vendor) prefix of <x>StartDateFrom/To: the window
    snapshot: bool = False  # the present state: the request's dates are not read
    money: tuple[str, ...] = ()  # number leaves (``array.path``) the schema calls a "Currency value"
    max_window: timedelta | None = None  # the widest window a request may cover
    period_limits: Mapping[str, int] = field(default_factory=dict, hash=False)  # reportPeriod → most periods
    countries: tuple[str, ...] = ()  # the only marketplaces (by country) the report exists in

    format: ClassVar[str] = "json"
    window_column = None  # the window selects periods or records (``window_field``), not flat-file rows
    requestable = True

    @property
    def dated(self) -> bool:
        """Whether the document depends on the request's dataStartTime/dataEndTime."""
        return not self.snapshot and self.start_options is None

    @property
    def notes(self) -> str:
        return f"official schema {self.schema}" + (f" / {self.vendor_schema}" if self.vendor_schema else "")

    def schema_file(self, vendor: bool) -> str:
        return self.vendor_schema if vendor and self.vendor_schema else self.schema

    def check_options(self, options: dict[str, str], marketplace_ids: list[str], *, vendor: bool,
                      now: datetime) -> dict[str, str]:
        return check_request(self.report_type, options, marketplace_ids, vendor=vendor, now=now)

    def refusal(self, start: datetime, end: datetime, now: datetime, options: Mapping[str, str] | None = None,
                marketplace_ids: Sequence[str] = ()) -> str | None:
        return fatal_reason(self.report_type, list(marketplace_ids), dict(options or {}), start, end, now)

    def render(self, req: RenderRequest) -> Rendered:
        doc, rows = document(req.seller, self.report_type, list(req.marketplace_ids), req.start, req.end,
                             dict(req.options), now=req.now, vendor=req.vendor)
        if rows:
            with gzip.open(req.path, "wt", encoding="utf-8", compresslevel=GZIP_LEVEL) as f:
                json.dump(doc, f, ensure_ascii=False)
        return Rendered(rows, JSON_CONTENT_TYPE)

    def truth(self, seller: SyntheticSeller, marketplace_id: str, start: datetime, end: datetime, now: datetime,
              options: Mapping[str, str] | None = None, *, records: str, vendor: bool = False) -> JsonTruth:
        """The typed facts of the document one marketplace gets for the half-open window
        ``[start, end)`` (requested as dataStartTime/dataEndTime, or as the report's start-date
        options), made at ``now``: the records of the array ``records`` with their child arrays."""
        asked = dict(options or {})
        if self.start_options:
            prefix = self.start_options[vendor]
            asked |= {f"{prefix}StartDateFrom": utc_z(start), f"{prefix}StartDateTo": utc_z(end - END_INCLUSIVE)}
        asked = check_request(self.report_type, asked, [marketplace_id], vendor=vendor, now=now)
        last = max(start, end - END_INCLUSIVE)
        reason = fatal_reason(self.report_type, [marketplace_id], asked, start, last, now)
        if reason:
            raise ValueError(f"{self.report_type} {start}..{end} ends FATAL, it has no document: {reason}")
        doc, _ = document(seller.at(now), self.report_type, [marketplace_id], start, last, asked, now=now,
                          vendor=vendor)
        if records not in self.keys:
            raise ValueError(f"{self.report_type}: no key for records {records!r}; keyed: {', '.join(self.keys)}")
        period = asked.get("reportPeriod")
        return document_truth(
            doc, load_schema(self.schema_file(vendor)), records, self.keys[records], report_type=self.report_type,
            marketplace_id=marketplace_id, money=self.money, window=None if self.snapshot else (start, end),
            window_field=self.window_field, snapshot=self.snapshot, max_window=self.max_window,
            max_periods=1 if self.single_period and period else self.period_limits.get(period or ""))


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict:
    return json.loads((SPEC_DIR / name).read_text(encoding="utf-8"))


def option_schema(report: JsonReport, vendor: bool) -> dict:
    """The schema's ``reportSpecification.reportOptions`` ({} when the document has none)."""
    schema = load_schema(report.schema_file(vendor))
    spec = schema["properties"].get("reportSpecification")
    if spec is None:
        return {}
    return resolve(resolve(spec, schema)["properties"].get("reportOptions", {}), schema)


# ---- createReport rules ----------------------------------------------------------------

def check_request(report_type: str, options: dict[str, str], marketplace_ids: list[str], *, vendor: bool,
                  now: datetime) -> dict[str, str]:
    """The report's options, defaults added, or the ApiError Amazon answers createReport with."""
    report = REPORTS[report_type]
    account = VENDOR if vendor else SELLER
    if account not in report.accounts:
        raise ApiError(403, "Unauthorized", DENIED,
                       f"{report_type} is available to {' and '.join(report.accounts)} accounts only; "
                       f"this account is a {account} (SandboxConfig.vendor / spapi-sandbox --vendor).")
    options = {**(report.defaults(marketplace_ids) if report.defaults else {}), **options}
    node = option_schema(report, vendor)
    props = node.get("properties", {})
    for name in node.get("required", ()):
        if name not in options:
            enum = props.get(name, {}).get("enum")
            raise invalid(f"reportOptions.{name} is required for {report_type}",
                          f"Allowed: {', '.join(enum)}" if enum else None)
    for name, value in options.items():
        prop = resolve(props.get(name, {}), load_schema(report.schema_file(vendor)))
        if "enum" in prop and value not in prop["enum"]:
            raise invalid(f"Invalid reportOptions.{name} {value!r} for {report_type}",
                          f"Allowed: {', '.join(prop['enum'])}")
        if prop.get("format") == "date-time":
            parse_time(value, f"reportOptions.{name}")
    return report.options(options, marketplace_ids, now) if report.options else options


def _asin_list(name: str) -> OptionRule:
    def check(options: dict, marketplace_ids: list, now: datetime) -> dict:
        if len(options.get(name, "")) > MAX_ASIN_CHARS:
            raise invalid(f"reportOptions.{name} is {len(options[name])} characters long; "
                          f"at most {MAX_ASIN_CHARS} are allowed", "A space-separated list of ASINs.")
        return options
    return check


def _two_years_before(day: date) -> date:
    return day.replace(year=day.year - 2, day=28 if (day.month, day.day) == (2, 29) else day.day)


def _start_range(options: dict, marketplace_ids: list, now: datetime) -> dict:
    """``<x>StartDateFrom`` ≤ ``<x>StartDateTo``, from at most two years ago ("This report supports
    start dates up to two years before the current date", coupon and promotion schemas)."""
    low = next(k for k in options if k.endswith("StartDateFrom"))
    high = low.replace("From", "To")
    start_from, start_to = parse_time(options[low], low), parse_time(options[high], high)
    if start_from > start_to:
        raise invalid(f"reportOptions.{low} {options[low]} is after {high} {options[high]}")
    if start_from.date() < _two_years_before(now.date()):
        raise invalid(f"reportOptions.{low} {options[low]} is more than two years ago",
                      "This report supports start dates up to two years before the current date.")
    return options


def _marketplace_currency(marketplace_ids: list) -> dict:
    return {"currencyCode": MARKETPLACES[marketplace_ids[0]].currency}


def _same_currency(options: dict, marketplace_ids: list, now: datetime) -> dict:
    currency = MARKETPLACES[marketplace_ids[0]].currency
    if options["currencyCode"] != currency:
        raise invalid(f"reportOptions.currencyCode {options['currencyCode']} is not supported by the sandbox",
                      f"The sandbox reports amounts in the marketplace's currency, {currency}.")
    return options


def _b2b(sub_categories: bool) -> OptionRule:
    """The B2B reports' options: categories, subCategories (recommended-for-you only),
    depersonalized (true/false) and filterMode (include/exclude) (reportType values, B2B reports)."""
    def check(options: dict, marketplace_ids: list, now: datetime) -> dict:
        if not sub_categories and "subCategories" in options:
            raise invalid("reportOptions.subCategories is not available in this report",
                          "Filter GET_B2B_PRODUCT_OPPORTUNITIES_NOT_YET_ON_AMAZON by categories.")
        for name, allowed in (("depersonalized", ("true", "false")), ("filterMode", ("include", "exclude"))):
            if name in options and options[name] not in allowed:
                raise invalid(f"Invalid reportOptions.{name} {options[name]!r}", f"Allowed: {', '.join(allowed)}")
        return options
    return check


# ---- processing rules (FATAL) ------------------------------------------------------------

def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


# GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT (reportType values): "Maximum lookback windows",
# "Maximum reporting periods" and "Net pure product margins data for a given day is available
# 168 hours after that day. ... the report will not be generated and processingStatus for the
# report will be FATAL".
NPPM_LOOKBACK = {"DAY": ("days", 1460), "WEEK": ("days", 8 * 7), "MONTH": ("months", 36),
                 "QUARTER": ("months", 8 * 3), "YEAR": ("months", 3 * 12)}
NPPM_MAX_PERIODS = {"DAY": 15, "WEEK": 7, "MONTH": 15, "QUARTER": 4, "YEAR": 2}
NPPM_DELAY = timedelta(hours=168)


def _nppm_window(periods: list, period: str | None, start: datetime, end: datetime, now: datetime) -> str | None:
    if len(periods) > NPPM_MAX_PERIODS[period]:
        return f"reportPeriod {period} takes at most {NPPM_MAX_PERIODS[period]} periods; the window has {len(periods)}"
    unit, n = NPPM_LOOKBACK[period]
    today = now.astimezone(UTC).date()
    oldest = today - timedelta(days=n) if unit == "days" else _months_before(period_of(today, "MONTH")[0], n)
    if periods[0][0] < oldest:
        return f"dataStartTime {periods[0][0]} is before the {period} lookback window (from {oldest})"
    ready = midnight(periods[-1][1] + timedelta(days=1)) + NPPM_DELAY
    if ready > now:
        return f"the data of {periods[-1][1]} is available from {ready.isoformat()} (168 hours after that day)"
    return None


def _real_time_inventory_window(periods: list, period: str | None, start: datetime, end: datetime,
                                now: datetime) -> str | None:
    """"Start time can be up to 168 hours before the time of the request." / "End time should not be
    more than 24 hours from the start time." (real-time inventory schema)."""
    if start < now - timedelta(hours=168):
        return f"dataStartTime {start.isoformat()} is more than 168 hours before the request"
    if end - start > timedelta(hours=24):
        return "dataEndTime is more than 24 hours after dataStartTime"
    return None


def _periods(report: JsonReport, options: dict, start: datetime, end: datetime) -> list | str:
    """The window's reporting periods (none for a report without ``reportPeriod``), or why it has none."""
    if "reportPeriod" not in option_schema(report, vendor=False).get("properties", {}):
        return []
    return split(start.astimezone(UTC).date(), end.astimezone(UTC).date(), options["reportPeriod"])


def fatal_reason(report_type: str, marketplace_ids: list[str], options: dict[str, str], start: datetime,
                 end: datetime, now: datetime) -> str | None:
    """The errorDetails of the FATAL document Amazon ends this request with, or None."""
    report = REPORTS[report_type]
    elsewhere = [m for m in marketplace_ids if report.countries and MARKETPLACES[m].country not in report.countries]
    if report.one_marketplace and len(marketplace_ids) != 1:
        reason: str | None = f"{report_type} takes one marketplace id, got {len(marketplace_ids)}"
    elif elsewhere:
        reason = (f"{report_type} is available in the {', '.join(report.countries)} marketplaces only, not in "
                  f"{', '.join(f'{m} ({MARKETPLACES[m].country})' for m in elsewhere)}")
    else:
        periods = _periods(report, options, start, end)
        if isinstance(periods, str):
            reason = periods
        elif report.single_period and len(periods) > 1:
            reason = (f"the window spans {len(periods)} periods of {options['reportPeriod']}; "
                      f"{report_type} covers one period per request")
        else:
            reason = report.window(periods, options.get("reportPeriod"), start, end, now) if report.window else None
    return f"{CLIENT_ERROR} ({reason})." if reason else None


# ---- rendering -------------------------------------------------------------------------------

def document(seller: SyntheticSeller, report_type: str, marketplace_ids: list[str], start: datetime,
             end: datetime, options: dict[str, str], *, now: datetime, vendor: bool) -> tuple[dict, int]:
    """The report's document and its record count (0: no data), for a request ``fatal_reason`` accepts.

    ``start``/``end`` are the request's dataStartTime/dataEndTime (``end`` inclusive to the second).
    """
    report = REPORTS[report_type]
    if not report.dated:  # the dates are not read: the document (its filled fields too) is the same all day
        start = midnight(now.astimezone(UTC).date())
        end = start + timedelta(days=1) - END_INCLUSIVE
    periods = _periods(report, options, start, end)
    if isinstance(periods, str):
        raise ValueError(periods)
    req = Request(seller, report_type, tuple(marketplace_ids), start, end, dict(options), now, vendor,
                  tuple(periods))
    schema = load_schema(report.schema_file(vendor))
    given = report.records(req)
    counted = sum(len(rows) for name, rows in given.items() if name not in {a for a, _ in report.aggregates})
    if "reportSpecification" in schema["properties"]:
        spec = {"reportType": report_type, "reportOptions": Exact(dict(options)),
                "marketplaceIds": list(marketplace_ids)}
        shown = resolve(schema["properties"]["reportSpecification"], schema)["properties"]
        given["reportSpecification"] = {k: v for k, v in spec.items() if k in shown}
    doc = fill(schema, given, _context(req))
    for aggregate, by_asin in report.aggregates:
        _sum_periods(doc[aggregate], doc[by_asin])
    return doc, counted


def _context(req: Request) -> Context:
    products = req.products()
    prices = sorted(p.price for p in products)
    return Context(
        key=f"{req.seller.seed}:{req.report_type}:{','.join(req.marketplace_ids)}:{req.start.isoformat()}:"
            f"{req.end.isoformat()}",
        marketplace_id=req.marketplace_id, currency=req.currency,
        decimals=MARKETPLACES[req.marketplace_id].decimals, asins=tuple(p.asin for p in products),
        start=req.start, end=req.end, today=req.today, names=tuple(p.name for p in products),
        text={"vendorCode": VENDOR_CODE, "merchantId": req.seller.seller_id, "brand": BRAND},
        unit_price=float(prices[len(prices) // 2]))


def _sum_periods(aggregates: list[dict], rows: list[dict]) -> None:
    """Set each aggregate's counts and money amounts to the sums over the by-ASIN rows of its period."""
    for agg in aggregates:
        mine = [r for r in rows if (r["startDate"], r["endDate"]) == (agg["startDate"], agg["endDate"])]
        for key, value in agg.items():
            if isinstance(value, int) and not isinstance(value, bool):
                agg[key] = sum(r[key] for r in mine if key in r)
            elif isinstance(value, dict) and "amount" in value:
                total = sum((Decimal(str(r[key]["amount"])) for r in mine if key in r), Decimal(0))
                agg[key] = {**value, "amount": float(total)}


# ---- the report types ---------------------------------------------------------------------------

_VENDOR_ONLY, _SELLER_ONLY = (VENDOR,), (SELLER,)
_BY_ASIN = ("startDate", "asin")  # a record per ASIN and reporting period
_HOURLY = dict(keys={"reportData": ("startTime", "asin")}, window_field="startTime",
               max_window=timedelta(hours=24))  # "End time should not be more than 24 hours from the start time."
# Coupon amounts the schemas call a "Currency value." (their record's currencyCode is the currency).
_COUPON_MONEY = ("budget", "totalDiscount", "budgetSpent", "budgetRemaining")
# "This report is only available in these marketplaces: US, Spain, UK, France, Germany, Italy, India, Japan."
# (reportType values, B2B product opportunities reports)
_B2B_COUNTRIES = ("US", "ES", "UK", "FR", "DE", "IT", "IN", "JP")


def _vendor_by_asin(by_asin: str, aggregate: str) -> dict:
    return dict(accounts=_VENDOR_ONLY, aggregates=((aggregate, by_asin),), keys={by_asin: _BY_ASIN},
                window_field="startDate")


REPORTS: dict[str, JsonReport] = {r.report_type: r for r in (
    JsonReport("GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT", "sellingPartnerSearchTermsReport.json",
               brand_analytics.search_terms, single_period=True,
               keys={"dataByDepartmentAndSearchTerm": ("departmentName", "searchTerm", "clickShareRank")}),
    JsonReport("GET_BRAND_ANALYTICS_MARKET_BASKET_REPORT", "sellingPartnerMarketBasketAnalysisReport.json",
               brand_analytics.market_basket, keys={"dataByAsin": (*_BY_ASIN, "purchasedWithRank")},
               window_field="startDate"),
    JsonReport("GET_BRAND_ANALYTICS_REPEAT_PURCHASE_REPORT", "sellingPartnerRepeatPurchaseReport.json",
               brand_analytics.repeat_purchase, keys={"dataByAsin": _BY_ASIN}, window_field="startDate"),
    JsonReport("GET_BRAND_ANALYTICS_SEARCH_QUERY_PERFORMANCE_REPORT",
               "sellingPartnerSearchQueryPerformanceReport.json", brand_analytics.search_query_performance,
               single_period=True, options=_asin_list("asin"),
               keys={"dataByAsin": (*_BY_ASIN, "searchQueryData.searchQuery")}, window_field="startDate"),
    JsonReport("GET_BRAND_ANALYTICS_SEARCH_CATALOG_PERFORMANCE_REPORT",
               "sellingPartnerSearchCatalogPerformanceReport.json", brand_analytics.search_catalog_performance,
               single_period=True, options=_asin_list("asins"), keys={"dataByAsin": _BY_ASIN},
               window_field="startDate"),
    JsonReport("GET_VENDOR_SALES_REPORT", "vendorSalesReport.json", vendor_analytics.sales,
               **_vendor_by_asin("salesByAsin", "salesAggregate")),
    JsonReport("GET_VENDOR_TRAFFIC_REPORT", "vendorTrafficReport.json", vendor_analytics.traffic,
               **_vendor_by_asin("trafficByAsin", "trafficAggregate")),
    JsonReport("GET_VENDOR_INVENTORY_REPORT", "vendorInventoryReport.json", vendor_analytics.inventory,
               **_vendor_by_asin("inventoryByAsin", "inventoryAggregate")),
    JsonReport("GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT", "vendorNetPureProductMarginReport.json",
               vendor_analytics.net_pure_product_margin, window=_nppm_window, period_limits=NPPM_MAX_PERIODS,
               **_vendor_by_asin("netPureProductMarginByAsin", "netPureProductMarginAggregate")),
    JsonReport("GET_VENDOR_FORECASTING_REPORT", "vendorForecastingReport.json", vendor_analytics.forecasting,
               _VENDOR_ONLY, keys={"forecastByAsin": ("asin", "startDate")}, snapshot=True),
    JsonReport("GET_VENDOR_REAL_TIME_SALES_REPORT", "vendorRealTimeSalesReport.json",
               vendor_analytics.real_time_sales, _VENDOR_ONLY, defaults=_marketplace_currency,
               # orderedRevenue is in the reportOptions' currencyCode
               options=_same_currency, money=("reportData.orderedRevenue",), **_HOURLY),
    JsonReport("GET_VENDOR_REAL_TIME_TRAFFIC_REPORT", "vendorRealTimeTrafficReport.json",
               vendor_analytics.real_time_traffic, _VENDOR_ONLY, **_HOURLY),
    JsonReport("GET_VENDOR_REAL_TIME_INVENTORY_REPORT", "vendorRealTimeInventoryReport.json",
               vendor_analytics.real_time_inventory, _VENDOR_ONLY, window=_real_time_inventory_window, **_HOURLY),
    JsonReport("GET_COUPON_PERFORMANCE_REPORT", "sellerCouponReport.json", deals.coupons,
               vendor_schema="vendorCouponReport.json", one_marketplace=False, options=_start_range,
               keys={"coupons": ("couponId",), "campaigns": ("campaignId",)}, window_field="startDateTime",
               start_options=("coupon", "campaign"),
               money=(*(f"coupons.{m}" for m in (*_COUPON_MONEY, "sales")),
                      *(f"campaigns.total{m[0].upper()}{m[1:]}" for m in ("budget", "budgetSpent", "budgetRemaining")),
                      *(f"campaigns.coupons.{m}" for m in _COUPON_MONEY))),
    JsonReport("GET_PROMOTION_PERFORMANCE_REPORT", "promotionReport.json", deals.promotions,
               one_marketplace=False, options=_start_range, keys={"promotions": ("promotionId",)},
               window_field="startDateTime", start_options=("promotion", "promotion")),
    JsonReport("GET_V2_SELLER_PERFORMANCE_REPORT", "accountHealthReport-2020-11-18.json",
               account_reports.account_health, _SELLER_ONLY, one_marketplace=False,
               keys={"performanceMetrics": ("marketplaceId",)}, snapshot=True),
    JsonReport("GET_B2B_PRODUCT_OPPORTUNITIES_RECOMMENDED_FOR_YOU",
               "b2bProductOpportunitiesRecommendedForYouReport-2020-11-19.json",
               account_reports.recommended_for_you, _SELLER_ONLY, options=_b2b(sub_categories=True),
               keys={"recommendations": ("asin",)}, snapshot=True, countries=_B2B_COUNTRIES),
    JsonReport("GET_B2B_PRODUCT_OPPORTUNITIES_NOT_YET_ON_AMAZON",
               "b2bProductOpportunitiesNotYetOnAmazonReport-2020-11-19.json",
               account_reports.not_yet_on_amazon, _SELLER_ONLY, options=_b2b(sub_categories=False),
               keys={"recommendations": ("itemName",)}, snapshot=True, countries=_B2B_COUNTRIES),
    JsonReport("MARKETPLACE_ASIN_PAGE_VIEW_METRICS", "marketplaceAsinPageViewMetrics.json", page_views.page_views,
               _SELLER_ONLY, one_marketplace=False, countries=page_views.COUNTRIES,
               keys={"marketplaceAsinPageViewMetrics": ("startTime", "marketplaceId", "asin")},
               window_field="startTime", max_window=timedelta(days=page_views.AVAILABLE_DAYS)),
)}
for _report in REPORTS.values():
    register(_report)
