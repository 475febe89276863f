"""Brand Analytics JSON reports from the synthetic seller: search terms, market basket,
repeat purchase, search query performance and search catalog performance.

Shoppers find an item by its name without the variation (``report_facts.search_term``);
the seller's items take a 1/MARKET share of those searches' clicks and purchases.
Purchases are the seller's shipped units of the period, clicks its sessions, so the
numbers agree with the Sales and Traffic report of the same days.
"""
from __future__ import annotations

import random
from collections import Counter, defaultdict

from pipelines.sandbox.report_facts import (
    ZERO,
    Request,
    amount,
    sales_by_asin,
    search_term,
    share,
    speeds,
    visits_by_asin,
)
from pipelines.sandbox.seller import MARKETPLACES

MARKET = 4  # a search term's clicks and purchases are MARKET times the seller's own
IMPRESSIONS_PER_CLICK = 10
SEARCHES_PER_CLICK = 3
REPEAT_BUYERS = 0.1  # share of orders placed by a customer who bought the item before


def _cart_adds(lines: int, sessions: int) -> int:
    """Cart adds of an ASIN: every purchased order item plus a fifth of the sessions that bought nothing."""
    return lines + max(0, sessions - lines) // 5


def _terms(req: Request) -> dict[str, list]:
    out: dict[str, list] = defaultdict(list)
    for p in req.products():
        out[search_term(p)].append(p)
    return out


def search_terms(req: Request) -> dict:
    """GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT: the top three clicked ASINs of every search term."""
    (first, last), = req.periods
    sales = sales_by_asin(req.seller, req.marketplace_id, first, last)
    visits = visits_by_asin(req.seller, req.marketplace_id, first, last)
    terms = _terms(req)
    ranked = sorted(terms, key=lambda t: (-sum(visits[p.asin].sessions for p in terms[t]), t))
    department = MARKETPLACES[req.marketplace_id].sales_channel
    rows = []
    for rank, term in enumerate(ranked, 1):
        clicks = MARKET * sum(visits[p.asin].sessions for p in terms[term])
        purchases = MARKET * sum(sales[p.asin].units for p in terms[term])
        top = sorted(terms[term], key=lambda p: (-visits[p.asin].sessions, p.asin))[:3]
        for click_rank, p in enumerate(top, 1):
            rows.append({"departmentName": department, "searchTerm": term, "searchFrequencyRank": rank,
                         "clickedAsin": p.asin, "clickShareRank": click_rank,
                         "clickShare": share(visits[p.asin].sessions, clicks),
                         "conversionShare": share(sales[p.asin].units, purchases)})
    return {"dataByDepartmentAndSearchTerm": rows}


def market_basket(req: Request) -> dict:
    """GET_BRAND_ANALYTICS_MARKET_BASKET_REPORT: the items most often in the same orders, per period."""
    rows = []
    for first, last in req.periods:
        baskets: dict[str, set] = defaultdict(set)
        for asin, s in sales_by_asin(req.seller, req.marketplace_id, first, last).items():
            for order in s.orders:
                baskets[order].add(asin)
        orders, together = Counter(), Counter()
        for basket in baskets.values():
            for a in basket:
                orders[a] += 1
                together.update((a, b) for b in basket if b != a)
        for a in sorted(orders):
            partners = sorted(((b, n) for (x, b), n in together.items() if x == a), key=lambda bn: (-bn[1], bn[0]))
            for rank, (b, n) in enumerate(partners[:3], 1):
                rows.append({"startDate": first.isoformat(), "endDate": last.isoformat(), "asin": a,
                             "purchasedWithAsin": b, "purchasedWithRank": rank,
                             "combinationPct": share(n, orders[a])})
    return {"dataByAsin": rows}


def repeat_purchase(req: Request) -> dict:
    """GET_BRAND_ANALYTICS_REPEAT_PURCHASE_REPORT: orders and repeat customers per ASIN and period."""
    rows = []
    for first, last in req.periods:
        for asin, s in sales_by_asin(req.seller, req.marketplace_id, first, last).items():
            if not s.orders:
                continue
            repeat = [o for o in s.orders if random.Random(f"{req.seller.seed}:repeat:{o}").random() < REPEAT_BUYERS]
            unique = len(s.orders) - len(repeat)  # a repeat order comes from a customer already counted
            revenue = sum((s.orders[o] for o in repeat), ZERO)
            rows.append({"startDate": first.isoformat(), "endDate": last.isoformat(), "asin": asin,
                         "orders": len(s.orders), "uniqueCustomers": unique,
                         "repeatCustomersPctTotal": share(len(repeat), unique),
                         "repeatPurchaseRevenue": amount(revenue, req.currency),
                         "repeatPurchaseRevenuePctTotal": share(float(revenue), float(s.sales))})
    return {"dataByAsin": rows}


def _funnel(req: Request):
    """Sales, visits and search terms of the single period a search performance report covers."""
    (first, last), = req.periods
    return (first, last, sales_by_asin(req.seller, req.marketplace_id, first, last),
            visits_by_asin(req.seller, req.marketplace_id, first, last), _terms(req))


def search_query_performance(req: Request) -> dict:
    """GET_BRAND_ANALYTICS_SEARCH_QUERY_PERFORMANCE_REPORT: the search query of each requested ASIN."""
    first, last, sales, visits, terms = _funnel(req)
    wanted = set(req.options["asin"].split())
    volume = {t: SEARCHES_PER_CLICK * MARKET * sum(visits[p.asin].sessions for p in ps) for t, ps in terms.items()}
    score = {t: n for n, t in enumerate(sorted(volume, key=lambda t: (-volume[t], t)), 1)}
    rows = []
    for term, products in terms.items():
        clicks = MARKET * sum(visits[p.asin].sessions for p in products)
        carts = MARKET * sum(_cart_adds(sales[p.asin].lines, visits[p.asin].sessions) for p in products)
        purchases = MARKET * sum(sales[p.asin].units for p in products)
        median = sorted(p.price for p in products)[len(products) // 2]
        for p in products:
            if p.asin not in wanted:
                continue
            v, s = visits[p.asin], sales[p.asin]
            cart = _cart_adds(s.lines, v.sessions)
            price = amount(p.price, req.currency)
            total_price = amount(median, req.currency)
            rows.append({
                "startDate": first.isoformat(), "endDate": last.isoformat(), "asin": p.asin,
                "searchQueryData": {"searchQuery": term, "searchQueryScore": score[term],
                                    "searchQueryVolume": volume[term]},
                "impressionData": {"totalQueryImpressionCount": IMPRESSIONS_PER_CLICK * clicks,
                                   "asinImpressionCount": IMPRESSIONS_PER_CLICK * v.sessions,
                                   "asinImpressionShare": share(v.sessions, clicks)},
                "clickData": dict(zip(("totalSameDayShippingClickCount", "totalOneDayShippingClickCount",
                                       "totalTwoDayShippingClickCount"), speeds(clicks)),
                                  totalClickCount=clicks, totalClickRate=share(clicks, volume[term]),
                                  asinClickCount=v.sessions, asinClickShare=share(v.sessions, clicks),
                                  totalMedianClickPrice=total_price, asinMedianClickPrice=price),
                "cartAddData": dict(zip(("totalSameDayShippingCartAddCount", "totalOneDayShippingCartAddCount",
                                         "totalTwoDayShippingCartAddCount"), speeds(carts)),
                                    totalCartAddCount=carts, totalCartAddRate=share(carts, volume[term]),
                                    asinCartAddCount=cart, asinCartAddShare=share(cart, carts),
                                    totalMedianCartAddPrice=total_price, asinMedianCartAddPrice=price),
                "purchaseData": dict(zip(("totalSameDayShippingPurchaseCount", "totalOneDayShippingPurchaseCount",
                                          "totalTwoDayShippingPurchaseCount"), speeds(purchases)),
                                     totalPurchaseCount=purchases, totalPurchaseRate=share(purchases, volume[term]),
                                     asinPurchaseCount=s.units, asinPurchaseShare=share(s.units, purchases),
                                     totalMedianPurchasePrice=total_price, asinMedianPurchasePrice=price),
            })
    return {"dataByAsin": rows}


def search_catalog_performance(req: Request) -> dict:
    """GET_BRAND_ANALYTICS_SEARCH_CATALOG_PERFORMANCE_REPORT: the search funnel of every ASIN
    (or of the ``asins`` option's)."""
    first, last, sales, visits, _ = _funnel(req)
    wanted = set(req.options.get("asins", "").split())
    rows = []
    for p in req.products():
        if wanted and p.asin not in wanted:
            continue
        v, s = visits[p.asin], sales[p.asin]
        impressions, cart = IMPRESSIONS_PER_CLICK * v.sessions, _cart_adds(s.lines, v.sessions)
        price = amount(p.price, req.currency)
        rows.append({
            "startDate": first.isoformat(), "endDate": last.isoformat(), "asin": p.asin,
            "impressionData": dict(zip(("sameDayShippingImpressionCount", "oneDayShippingImpressionCount",
                                        "twoDayShippingImpressionCount"), speeds(impressions)),
                                   impressionCount=impressions, impressionMedianPrice=price),
            "clickData": dict(zip(("sameDayShippingClickCount", "oneDayShippingClickCount",
                                   "twoDayShippingClickCount"), speeds(v.sessions)),
                              clickCount=v.sessions, clickRate=share(v.sessions, impressions),
                              clickedMedianPrice=price),
            "cartAddData": dict(zip(("sameDayShippingCartAddCount", "oneDayShippingCartAddCount",
                                     "twoDayShippingCartAddCount"), speeds(cart)),
                                cartAddCount=cart, cartAddedMedianPrice=price),
            "purchaseData": dict(zip(("sameDayShippingPurchaseCount", "oneDayShippingPurchaseCount",
                                      "twoDayShippingPurchaseCount"), speeds(s.units)),
                                 purchaseCount=s.units, searchTrafficSales=amount(s.sales, req.currency),
                                 conversionRate=share(s.units, v.sessions), purchaseMedianPrice=price),
        })
    return {"dataByAsin": rows}
