-- One row per rate the product reports (models/semantic/_metrics.yml): its names, unit, which
-- direction is good, the target (NULL when the center has none) and the comparison that meets it.
{{ metric_target_rows() }}
