-- almanac query: customers, repeat_contact_rate, multi_service_customers by age_band for 2024-25
-- step 1: scan fact activity (t0)
-- step 2: join customers (t1) on t0.customer_id = t1.customer_id, many-to-one
-- step 3: keep activity_date in [2024-04-01, 2025-04-01)
-- step 4: _agg: group by age_band; _c0 = count_distinct(customer_id)
-- step 5: _per_customer: one row per customer_id per group; _customer_counts: _c1 = count of customer_id with sum(contacts) >= 2, _c2 = count of customer_id with 2+ distinct service_code
-- step 6: combine: customers = _c0, repeat_contact_rate = _c1 / _c0, multi_service_customers = _c2
WITH _agg AS (
  SELECT
    t1."age_band" AS "age_band",
    t1."age_band_order" AS "_sort_age_band",
    COUNT(DISTINCT t0."customer_id") AS "_c0"
  FROM "activity" AS t0
  LEFT JOIN "customers" AS t1 ON t1."customer_id" = t0."customer_id"
  WHERE t0."activity_date" >= $1 AND t0."activity_date" < $2
  GROUP BY t1."age_band", t1."age_band_order"
),
_per_customer AS (
  SELECT
    t1."age_band" AS "age_band",
    SUM(t0."contacts") AS "_v1",
    COUNT(DISTINCT t0."service_code") AS "_v2"
  FROM "activity" AS t0
  LEFT JOIN "customers" AS t1 ON t1."customer_id" = t0."customer_id"
  WHERE t0."activity_date" >= $3 AND t0."activity_date" < $4
  GROUP BY t1."age_band", t1."age_band_order", t0."customer_id"
),
_customer_counts AS (
  SELECT
    "age_band",
    COUNT(*) FILTER (WHERE "_v1" >= 2) AS "_c1",
    COUNT(*) FILTER (WHERE "_v2" >= 2) AS "_c2"
  FROM _per_customer
  GROUP BY "age_band"
)
SELECT
  _agg."age_band",
  _agg."_c0" AS "customers",
  (COALESCE(_customer_counts."_c1", 0)) * 1.0 / NULLIF(_agg."_c0", 0) AS "repeat_contact_rate",
  COALESCE(_customer_counts."_c2", 0) AS "multi_service_customers"
FROM _agg
LEFT JOIN _customer_counts ON _customer_counts."age_band" IS NOT DISTINCT FROM _agg."age_band"
ORDER BY _agg."_sort_age_band"
-- parameters: '2024-04-01', '2025-04-01', '2024-04-01', '2025-04-01'
