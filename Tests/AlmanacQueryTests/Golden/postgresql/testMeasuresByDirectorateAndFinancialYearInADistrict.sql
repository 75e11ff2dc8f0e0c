-- almanac query: contacts, spend by directorate, financial_year
-- step 1: scan fact activity (t0)
-- step 2: join services (t1) on t0.service_code = t1.service_code, many-to-one
-- step 3: join wards (t2) on t0.ward_code = t2.ward_code, many-to-one
-- step 4: join districts (t3) on t2.district_code = t3.district_code, many-to-one
-- step 5: apply filter
-- step 6: group by directorate, financial_year
-- step 7: aggregate contacts = sum(contacts), spend = sum(spend_gbp)
SELECT
  t1."directorate" AS "directorate",
  to_char(t0."activity_date" - INTERVAL '3 months', 'YYYY') || '-' || to_char(t0."activity_date" + INTERVAL '9 months', 'YY') AS "financial_year",
  COALESCE(SUM(t0."contacts"), 0) AS "contacts",
  COALESCE(SUM(t0."spend_gbp"), 0) AS "spend"
FROM "activity" AS t0
LEFT JOIN "services" AS t1 ON t1."service_code" = t0."service_code"
JOIN "wards" AS t2 ON t2."ward_code" = t0."ward_code"
JOIN "districts" AS t3 ON t3."district_code" = t2."district_code"
WHERE (t3."district_name" = $1)
GROUP BY t1."directorate", to_char(t0."activity_date" - INTERVAL '3 months', 'YYYY') || '-' || to_char(t0."activity_date" + INTERVAL '9 months', 'YY')
ORDER BY "directorate", "financial_year"
-- parameters: 'Preston'
