"""FBA inventory planning: the planning report, restock recommendations, stranded inventory."""
from pipelines.catalog.model import Column, ReportEntry, cols

ENTRIES: tuple[ReportEntry, ...] = (
    ReportEntry(
        report_type="GET_FBA_INVENTORY_PLANNING_DATA",
        name="fba_inventory_planning",
        description="FBA inventory planning per SKU: age buckets, excess, weeks of cover, storage costs "
                    "(replaces the retired inventory health, aged and excess reports). Columns move often.",
        columns=cols(
            "snapshot-date:date sku fnsku asin product-name condition available:int "
            "pending-removal-quantity:int inv-age-0-to-90-days:int inv-age-91-to-180-days:int "
            "inv-age-181-to-270-days:int inv-age-271-to-365-days:int inv-age-365-plus-days:int currency "
            "qty-to-be-charged-ltsf-11-mo:int projected-ltsf-11-mo:decimal qty-to-be-charged-ltsf-12-mo:int "
            "estimated-ltsf-next-charge:decimal units-shipped-t7:int units-shipped-t30:int "
            "units-shipped-t60:int units-shipped-t90:int alert your-price:decimal sales-price:decimal "
            "lowest-price-new-plus-shipping:decimal lowest-price-used:decimal recommended-action "
            "healthy-inventory-level:int recommended-sales-price:decimal recommended-sale-duration-days:int "
            "recommended-removal-quantity:int estimated-cost-savings-of-recommended-actions:decimal "
            "sell-through:decimal item-volume:measure volume-unit-measurement storage-type "
            "storage-volume:measure marketplace product-group sales-rank:int days-of-supply:int "
            "estimated-excess-quantity:int weeks-of-cover-t30:decimal weeks-of-cover-t90:decimal "
            "featuredoffer-price:decimal sales-shipped-last-7-days:decimal sales-shipped-last-30-days:decimal "
            "sales-shipped-last-60-days:decimal sales-shipped-last-90-days:decimal inv-age-0-to-30-days:int "
            "inv-age-31-to-60-days:int inv-age-61-to-90-days:int inv-age-181-to-330-days:int "
            "inv-age-331-to-365-days:int estimated-storage-cost-next-month:decimal inbound-quantity:int "
            "inbound-working:int inbound-shipped:int inbound-received:int no-sale-last-6-months "
            "reserved-quantity:int unfulfillable-quantity:int "
            # an older header, and the aged inventory surcharge columns of production files
            "qty-to-be-charged-ltsf-9-mo:int projected-ltsf-9-mo:decimal "
            "estimated-ais-181-210-days:decimal estimated-ais-365-plus-days:decimal "
            "quantity-to-be-charged-ais-181-210-days:int quantity-to-be-charged-ais-365-plus-days:int"
        ),
        windowed=False,
        snapshot=True,
        key=("snapshot_date", "sku", "marketplace"),
        lookback_days=0,
        group="planning",
    ),
    ReportEntry(
        report_type="GET_RESTOCK_INVENTORY_RECOMMENDATIONS_REPORT",
        name="fba_restock_recommendations",
        description="Restock recommendations per SKU: supply, days of supply (365+ lands as 365), "
                    "recommended quantity and ship date.",
        columns=cols(
            "Country", Column("Product Name"), "FNSKU", Column("Merchant SKU"), "ASIN", "Condition",
            "Supplier", Column("Supplier part no."), Column("Currency code"), Column("Price", "decimal"),
            Column("Sales last 30 days", "decimal"), Column("Units Sold Last 30 Days", "int"),
            Column("Total Units", "int"), Column("Inbound", "int"), Column("Available", "int"),
            Column("FC transfer", "int"), Column("FC Processing", "int"), Column("Customer Order", "int"),
            Column("Unfulfillable", "int"), Column("Working", "int"), Column("Shipped", "int"),
            Column("Receiving", "int"), Column("Fulfilled by"),
            Column("Total Days of Supply (including units from open shipments)", "int_capped",
                   alias="total_days_of_supply"),
            Column("Days of Supply at Amazon Fulfillment Network", "int_capped"), "Alert",
            Column("Recommended replenishment qty", "int"),
            Column("Recommended ship date", "date_lenient"),  # 'none' (NULL), or a date in an unconfirmed form
            Column("Recommended action"), Column("Unit storage size"),  # '0.1736 ft3'
        ),
        windowed=False,
        snapshot=True,
        key=("country", "merchant_sku"),
        lookback_days=0,
        group="planning",
    ),
    ReportEntry(
        report_type="GET_STRANDED_INVENTORY_UI_DATA",
        name="fba_stranded_inventory",
        description="Stranded FBA inventory (units without an active offer) and what to do about it. "
                    "CANCELLED when nothing is stranded.",
        columns=cols(
            "primary-action date-stranded:timestamp_lenient Date-to-take-auto-removal:timestamptz "
            "status-primary status-secondary error-message stranded-reason asin sku fnsku product-name "
            "condition fulfilled-by fulfillable-qty:int your-price:decimal unfulfillable-qty:int "
            "reserved-quantity:int inbound-shipped-qty:int program"
        ),
        windowed=False,
        snapshot=True,
        key=("sku", "fnsku"),
        lookback_days=0,
        group="planning",
    ),
)
