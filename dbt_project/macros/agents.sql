{# Rank change since the previous period: positive = moved up. NULL if not ranked then. #}
{% macro rank_change(rank_column, previous_period_expr) -%}
    case
        when lag(period_start) over (partition by agent_id order by period_start) = {{ previous_period_expr }}
            then lag({{ rank_column }}) over (partition by agent_id order by period_start) - {{ rank_column }}
    end
{%- endmacro %}

{% macro as_day(column) %}{{ column }}{% endmacro %}
{% macro as_month(column) %}cast({{ dbt.date_trunc('month', column) }} as date){% endmacro %}


{# The columns both agent reports publish, between the period and the cap / rank columns. #}
{% macro agent_report_figures() %}
    answered,
    talk_seconds,
    hold_seconds,
    acw_seconds_total,
    acw_known_segments,
    handle_seconds,
    aht_seconds,
    acw_seconds,
    transfers_out,
    transfer_rate,
    fcr_eligible,
    fcr_resolved,
    fcr_rate,
    is_fcr_final,
    csat_scored,
    csat_satisfied,
    csat,
    qa_evaluations,
    qa_score_total,
    qa_score,
    qa_fatal_errors,
    phone_orders,
    phone_order_amount,
    phone_hours
{% endmacro %}
