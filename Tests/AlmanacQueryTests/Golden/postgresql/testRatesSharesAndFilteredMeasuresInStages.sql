-- almanac query: contacts_per_1000, contacts_share, web_share by financial_year, district, service
-- step 1: scan fact activity (t0)
-- step 2: join wards (t1) on t0.ward_code = t1.ward_code, many-to-one
-- step 3: join districts (t2) on t1.district_code = t2.district_code, many-to-one
-- step 4: join services (t3) on t0.service_code = t3.service_code, many-to-one
-- step 5: apply filter
-- step 6: _agg: group by financial_year, district, service; _c0 = sum(contacts), _c1 = sum(contacts) where filtered
-- step 7: _denominator: sum(population.population) by district, year, filtered; never joined to fact rows, so never multiplied
-- step 8: combine: contacts_per_1000 = _c0 * 1000 / denominator, contacts_share = _c0 / total in period, web_share = _c1 / _c0
WITH _agg AS (
  SELECT
    to_char(t0."activity_date" - INTERVAL '3 months', 'YYYY') || '-' || to_char(t0."activity_date" + INTERVAL '9 months', 'YY') AS "financial_year",
    t2."district_name" AS "district",
    t3."service_name" AS "service",
    COALESCE(SUM(t0."contacts"), 0) AS "_c0",
    COALESCE(SUM(CASE WHEN t0."channel" = $1 THEN t0."contacts" END), 0) AS "_c1",
    MIN(CAST(EXTRACT(YEAR FROM t0."activity_date" - INTERVAL '3 months') AS INTEGER)) AS "_year"
  FROM "activity" AS t0
  JOIN "wards" AS t1 ON t1."ward_code" = t0."ward_code"
  JOIN "districts" AS t2 ON t2."district_code" = t1."district_code"
  JOIN "services" AS t3 ON t3."service_code" = t0."service_code"
  WHERE ((t2."district_name" IN ($2, $3) AND t3."service_name" <> $4))
  GROUP BY to_char(t0."activity_date" - INTERVAL '3 months', 'YYYY') || '-' || to_char(t0."activity_date" + INTERVAL '9 months', 'YY'), t2."district_name", t3."service_name"
),
_denominator AS (
  SELECT
    d1."district_name" AS "_k1",
    d0."year" AS "_year",
    SUM(d0."population") AS "_denominator"
  FROM "population" AS d0
  LEFT JOIN "districts" AS d1 ON d1."district_code" = d0."district_code"
  WHERE d1."district_name" IN ($5, $6)
  GROUP BY d1."district_name", d0."year"
)
SELECT
  _agg."financial_year",
  _agg."district",
  _agg."service",
  (_agg."_c0") * 1000.0 / NULLIF(_denominator."_denominator", 0) AS "contacts_per_1000",
  (_agg."_c0") * 1.0 / NULLIF(SUM(_agg."_c0") OVER (PARTITION BY _agg."financial_year"), 0) AS "contacts_share",
  (_agg."_c1") * 1.0 / NULLIF(_agg."_c0", 0) AS "web_share"
FROM _agg
LEFT JOIN _denominator ON _denominator."_k1" IS NOT DISTINCT FROM _agg."district"
  AND _denominator."_year" = GREATEST(LEAST(_agg."_year", (SELECT MAX("year") FROM "population")), (SELECT MIN("year") FROM "population"))
ORDER BY _agg."financial_year", _agg."district", _agg."service"
-- parameters: 'Web', 'Preston', 'Wyre', 'Libraries', 'Preston', 'Wyre'
