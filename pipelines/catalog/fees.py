"""FBA fees: the fee preview and the monthly storage, long-term storage and overage charges."""
from datetime import timedelta

from pipelines.catalog.model import Column, ReportEntry, cols

# Fee parts the NA file writes as '--' where they do not apply land as NULL (decimal_na).
_FEE_PREVIEW = cols(
    # The NA production header (31 columns) and the documented/EU one (29), merged in both orders.
    "sku fnsku asin amazon-store product-name product-group brand fulfilled-by has-local-inventory "
    "your-price:decimal sales-price:decimal longest-side:decimal median-side:decimal shortest-side:decimal "
    "length-and-girth:decimal unit-of-dimension item-package-weight:decimal unit-of-weight "
    "product-size-tier product-size-weight-band currency estimated-fee-total:decimal "
    "estimated-referral-fee-per-unit:decimal "
    "estimated-variable-closing-fee:decimal estimated-order-handling-fee-per-order:decimal_na "
    "estimated-pick-pack-fee-per-unit:decimal_na estimated-weight-handling-fee-per-unit:decimal_na "
    "expected-fulfillment-fee-per-unit:decimal_na",
    Column("estimated-future-fee (Current Selling on Amazon + Future Fulfillment fees)", "decimal_na",
           alias="estimated_future_fee"),
    "estimated-future-order-handling-fee-per-order:decimal_na "
    "estimated-future-pick-pack-fee-per-unit:decimal_na "
    "estimated-future-weight-handling-fee-per-unit:decimal_na "
    "expected-future-fulfillment-fee-per-unit:decimal_na "
    "expected-domestic-fulfilment-fee-per-unit:decimal_na "
    "expected-efn-fulfilment-fee-per-unit-uk:decimal_na expected-efn-fulfilment-fee-per-unit-de:decimal_na "
    "expected-efn-fulfilment-fee-per-unit-fr:decimal_na expected-efn-fulfilment-fee-per-unit-it:decimal_na "
    "expected-efn-fulfilment-fee-per-unit-es:decimal_na expected-efn-fulfilment-fee-per-unit-se:decimal_na"
)

ENTRIES: tuple[ReportEntry, ...] = (
    ReportEntry(
        report_type="GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA",
        name="fba_fee_preview",
        description="FBA fee preview: the estimated fees per SKU, a current snapshot refreshed by Amazon "
                    "at least every 72 hours. NA and EU headers differ; both land. An NA file has a row per "
                    "store of the region (amazon_store) for the same SKU.",
        columns=_FEE_PREVIEW,
        windowed=False,
        snapshot=True,
        # Amazon wants dataStartTime at least 72 hours back; an hour more covers clock skew.
        snapshot_start=timedelta(hours=73),
        key=("sku",),  # the EU header has no store column
        lookback_days=0,
        group="fees",
    ),
    ReportEntry(
        report_type="GET_FBA_STORAGE_FEE_CHARGES_DATA",
        name="fba_storage_fees",
        description="Monthly FBA storage fees per ASIN and fulfillment center, by month of charge.",
        columns=cols(
            # Headers use underscores; production files also use hyphens, which land the same.
            "asin fnsku product_name fulfillment_center country_code longest_side:decimal "
            "median_side:decimal shortest_side:decimal measurement_units weight:decimal weight_units "
            "item_volume:measure volume_units product_size_tier average_quantity_on_hand:measure "
            "average_quantity_pending_removal:measure estimated_total_item_volume:measure "
            "month_of_charge:month storage_rate:decimal currency estimated_monthly_storage_fee:decimal "
            "dangerous_goods_storage_type eligible_for_inventory_discount qualifies_for_inventory_discount "
            "total_incentive_fee_amount:decimal breakdown_incentive_fee_amount "
            "average_quantity_customer_orders:decimal base_rate:decimal storage_utilization_ratio:measure "
            "storage_utilization_ratio_units utilization_surcharge_rate:decimal"
        ),
        period="MONTH",
        cursor="month_of_charge",
        key=("asin", "fnsku", "fulfillment_center", "month_of_charge"),
        lookback_days=31,
        group="fees",
    ),
    ReportEntry(
        report_type="GET_FBA_FULFILLMENT_LONGTERM_STORAGE_FEE_CHARGES_DATA",
        name="fba_long_term_storage_fees",
        description="Monthly long-term storage fee charges per SKU, by snapshot (charge) date. "
                    "Often CANCELLED since Amazon moved aged inventory to the aged inventory surcharge.",
        columns=cols(
            "snapshot-date:timestamptz sku fnsku asin product-name condition per-unit-volume:measure "
            "currency volume-unit country qty-charged:int amount-charged:decimal surcharge-age-tier "
            "rate-surcharge:decimal "
            # the 2023 header (until Amazon reworked these fees)
            "qty-charged-long-time-range-long-term-storage-fee:int "
            "long-time-range-long-term-storage-fee:decimal "
            "qty-charged-short-time-range-long-term-storage-fee:int "
            "short-time-range-long-term-storage-fee:decimal enrolled-in-small-and-light"
        ),
        period="MONTH",
        cursor="snapshot_date",
        key=("snapshot_date", "sku", "fnsku", "country"),
        lookback_days=31,
        group="fees",
    ),
    ReportEntry(
        report_type="GET_FBA_OVERAGE_FEE_CHARGES_DATA",
        name="fba_overage_fees",
        description="Storage-limit overage fees per storage type, by charge date (monthly). "
                    "CANCELLED when there were no charges.",
        columns=cols(
            "charged_date:date_lenient country_code storage_type charge_rate:decimal "
            "storage_usage_volume:measure storage_limit_volume:measure overage_volume:measure "
            "volume_unit charged_fee_amount:decimal currency_code"
        ),
        period="MONTH",
        cursor="charged_date",
        key=("charged_date", "country_code", "storage_type"),
        lookback_days=31,
        group="fees",
    ),
)
