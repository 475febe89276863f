"""Seller feedback: buyers' neutral and negative feedback on orders.

Header: flat-file-columns-2.md §26 (GET_SELLER_FEEDBACK_DATA, 6 columns, Airbyte's fixture). The
date form follows the marketplace (US ``%m/%d/%y``, DE ``%d.%m.%y``, JP ``%y/%m/%d``, Airbyte's map);
the 4th column is ``Your Response`` in the US and ``Response`` in DE and JP (hyperf-admin-amazon's
mapping; which name is current is unverified). Localized header names are not documented, so
the others are English everywhere.
"""
from __future__ import annotations

from pipelines.sandbox.formats import FEEDBACK_DATE
from pipelines.sandbox.layouts.model import Col, Day, Drift, FlatLayout, Identifier, Quantity, RowRequest, Text
from pipelines.sandbox.seller import Feedback

DE, JP = "A1PA6795UKMFR9", "A1VC38T7YXB528"

COLUMNS = (
    Col("Date", Day("day", FEEDBACK_DATE)),
    Col("Rating", Quantity("rating")),  # 1-3: the report holds neutral and negative feedback
    Col("Comments", Text("comments")),
    Col("Your Response", Text("response")),
    Col("Order ID", Identifier("item.amazon_order_id")),
    Col("Rater Email", Text("rater_email")),  # a buyer's (anonymized) address: personal data
)
DRIFT = Drift((DE, JP), "flat-file-columns-2.md §26 (hyperf-admin-amazon maps the column as Response)",
              renamed={"Your Response": "Response"})


def feedback(req: RowRequest) -> list[Feedback]:
    req.expect_window("day")
    days = req.days
    return req.seller.feedback_between(req.marketplace_id, days[0], days[-1]) if days else []


LAYOUTS = (
    # "Date window. Yes, by feedback date; max unverified" (§26).
    FlatLayout("GET_SELLER_FEEDBACK_DATA", "flat-file-columns-2.md §26", COLUMNS, feedback,
               key=("Order ID", "Date"), window_column="Date", day_window=True, drift=DRIFT),
)
