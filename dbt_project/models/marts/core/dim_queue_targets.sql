-- One row per rate and queue whose declaration sets the queue its own target
-- (models/semantic/_metrics.yml, meta targets_by_queue); other queues use dim_kpi_targets'.
{{ metric_queue_target_rows() }}
