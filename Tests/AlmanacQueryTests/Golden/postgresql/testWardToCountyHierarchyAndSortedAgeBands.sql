-- almanac query: customers by county, district, ward, age_band
-- step 1: scan fact activity (t0)
-- step 2: join wards (t1) on t0.ward_code = t1.ward_code, many-to-one
-- step 3: join districts (t2) on t1.district_code = t2.district_code, many-to-one
-- step 4: join customers (t3) on t0.customer_id = t3.customer_id, many-to-one
-- step 5: group by county, district, ward, age_band
-- step 6: aggregate customers = count_distinct(customer_id)
SELECT
  t2."county_name" AS "county",
  t2."district_name" AS "district",
  t1."ward_name" AS "ward",
  t3."age_band" AS "age_band",
  COUNT(DISTINCT t0."customer_id") AS "customers"
FROM "activity" AS t0
LEFT JOIN "wards" AS t1 ON t1."ward_code" = t0."ward_code"
LEFT JOIN "districts" AS t2 ON t2."district_code" = t1."district_code"
LEFT JOIN "customers" AS t3 ON t3."customer_id" = t0."customer_id"
GROUP BY t2."county_name", t2."district_name", t1."ward_name", t3."age_band", t3."age_band_order"
ORDER BY "county", "district", "ward", t3."age_band_order"
-- parameters: 
