"""Seller feedback: buyers' ratings and comments."""
from pipelines.catalog.model import Column, ReportEntry, cols

ENTRIES: tuple[ReportEntry, ...] = (
    ReportEntry(
        report_type="GET_SELLER_FEEDBACK_DATA",
        name="seller_feedback",
        description="Negative and neutral seller feedback, windowed by feedback date (written the "
                    "marketplace's way). The rater's email is personal data: it lands hashed (SHA-256).",
        columns=cols(
            Column("Date", "date_local_short"), Column("Rating", "int"), "Comments",
            Column("Your Response"), Column("Response", alias="your_response"),  # spelled both ways
            Column("Order ID"), Column("Rater Email", "hashed", alias="rater_email_sha256"),
        ),
        cursor="date",
        key=("order_id", "date"),
        lookback_days=7,
        group="feedback",
    ),
)
