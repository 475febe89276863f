-- grain: one row per account, marketplace and SKU in the latest FBA inventory snapshot
-- key: account, marketplace_id, sku
-- question: How healthy is each FBA SKU's stock: available, inbound, reserved and unsellable units, sales velocity, days of cover, and is it stranded or aged?
-- Velocity is units of not cancelled order items purchased in the 7 or 30 whole UTC
-- days before the snapshot date, per day; days of cover = available / 30-day velocity
-- (NULL without sales). Stranded: listed in the stranded inventory report's latest
-- snapshot; aged: units over 180 days old in the latest inventory planning snapshot.
WITH myi AS (
    SELECT *
    FROM raw_fba_myi_unsuppressed_inventory
    QUALIFY _snapshot_date = max(_snapshot_date) OVER (PARTITION BY _account, _marketplace_id)
),
stranded AS (
    SELECT *
    FROM raw_fba_stranded_inventory
    QUALIFY _snapshot_date = max(_snapshot_date) OVER (PARTITION BY _account, _marketplace_id)
),
-- stranded units the MYI snapshot does not list still count, with the stranded report's quantities
latest AS (
    SELECT _account, _marketplace_id, _snapshot_date, sku, asin, fnsku, afn_fulfillable_quantity,
           afn_inbound_working_quantity + afn_inbound_shipped_quantity + afn_inbound_receiving_quantity
               AS afn_inbound_quantity,
           afn_reserved_quantity, afn_unsellable_quantity
    FROM myi
    UNION ALL
    SELECT _account, _marketplace_id, _snapshot_date, sku, any_value(asin), any_value(fnsku),
           CAST(sum(fulfillable_qty) AS BIGINT), CAST(sum(inbound_shipped_qty) AS BIGINT),
           CAST(sum(reserved_quantity) AS BIGINT), CAST(sum(unfulfillable_qty) AS BIGINT)
    FROM stranded AS s
    WHERE NOT EXISTS (SELECT 1 FROM myi AS m WHERE m._account = s._account
                      AND m._marketplace_id = s._marketplace_id AND m.sku = s.sku)
    GROUP BY _account, _marketplace_id, _snapshot_date, sku
),
sales AS (
    SELECT i._account AS account, i._marketplace_id AS marketplace_id, i.sku,
           coalesce(sum(o.quantity) FILTER (
               WHERE CAST(timezone('UTC', o.purchase_date) AS DATE) >= i._snapshot_date - 7), 0) AS units_7d,
           coalesce(sum(o.quantity), 0) AS units_30d
    FROM latest AS i
    JOIN orders AS o
        ON o._account = i._account AND o._marketplace_id = i._marketplace_id AND o.sku = i.sku
        AND o.order_status <> 'Cancelled'
        AND CAST(timezone('UTC', o.purchase_date) AS DATE) >= i._snapshot_date - 30
        AND CAST(timezone('UTC', o.purchase_date) AS DATE) < i._snapshot_date
    GROUP BY ALL
),
stranded_skus AS (
    SELECT DISTINCT _account AS account, _marketplace_id AS marketplace_id, sku FROM stranded
),
planning AS (
    SELECT *
    FROM raw_fba_inventory_planning
    QUALIFY _snapshot_date = max(_snapshot_date) OVER (PARTITION BY _account, _marketplace_id)
),
aged AS (
    -- older files fill 181-270 and 271-365, newer ones also 181-330 and 331-365
    SELECT _account AS account, _marketplace_id AS marketplace_id, sku,
           bool_or(coalesce(inv_age_181_to_270_days, 0) + coalesce(inv_age_271_to_365_days, 0)
                   + coalesce(inv_age_365_plus_days, 0) > 0
                   OR coalesce(inv_age_181_to_330_days, 0) + coalesce(inv_age_331_to_365_days, 0) > 0) AS aged
    FROM planning
    GROUP BY ALL
)
SELECT
    i._account AS account,
    i._marketplace_id AS marketplace_id,
    i._snapshot_date AS snapshot_date,
    i.sku,
    i.asin,
    i.fnsku,
    i.afn_fulfillable_quantity AS available,
    i.afn_inbound_quantity AS inbound,
    i.afn_reserved_quantity AS reserved,
    i.afn_unsellable_quantity AS unsellable,
    CAST(coalesce(s.units_7d, 0) / 7 AS DECIMAL(18, 4)) AS velocity_7d,
    CAST(coalesce(s.units_30d, 0) / 30 AS DECIMAL(18, 4)) AS velocity_30d,
    CAST(round(i.afn_fulfillable_quantity * 30 / nullif(s.units_30d, 0), 1) AS DECIMAL(18, 1)) AS days_of_cover,
    st.sku IS NOT NULL AS stranded,
    coalesce(a.aged, false) AS aged
FROM latest AS i
LEFT JOIN sales AS s ON s.account = i._account AND s.marketplace_id = i._marketplace_id AND s.sku = i.sku
LEFT JOIN stranded_skus AS st ON st.account = i._account AND st.marketplace_id = i._marketplace_id AND st.sku = i.sku
LEFT JOIN aged AS a ON a.account = i._account AND a.marketplace_id = i._marketplace_id AND a.sku = i.sku
