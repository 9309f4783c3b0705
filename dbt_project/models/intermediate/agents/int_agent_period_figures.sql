-- One row per agent and period with answered segments, for days (period_type 'day', read by
-- rpt_agent_daily) and months ('month', rpt_agent_monthly): segment figures (answered, talk,
-- hold, ACW, AHT, transfers) per answered segment; FCR over calls the agent answered last; CSAT
-- over surveys credited to the agent; QA over evaluations of the agent's calls; phone orders
-- over order tickets opened from their calls; rankings by calls answered within the period.
{% for grain in ['day', 'month'] %}
    {% set period_expr = as_day if grain == 'day' else as_month %}
    select
        '{{ grain }}' as period_type,
        *
    from (
        with

        segments as (

            select
                agent_id,
                {{ period_expr('segment_date') }} as period_start,
                count(*) as answered,
                sum(talk_seconds) as talk_seconds,
                sum(hold_seconds) as hold_seconds,
                sum(acw_seconds) as acw_seconds_total,
                count(case when is_acw_known then 1 end) as acw_known_segments,
                sum(handle_seconds) as handle_seconds,
                count(case when is_transfer_out then 1 end) as transfers_out,
                count(distinct segment_date) as days_worked
            from {{ ref('fct_call_segments') }}
            where is_answered
            group by 1, 2

        ),

        daily_phone as (

            select
                agent_id,
                {{ period_expr('segment_date') }} as period_start,
                count(
                    case
                        when (talk_seconds + hold_seconds) / 3600.0 > {{ var('max_phone_hours_per_day') }}
                            then 1
                    end
                ) as days_over_phone_cap
            from (
                select
                    agent_id,
                    segment_date,
                    sum(talk_seconds) as talk_seconds,
                    sum(hold_seconds) as hold_seconds
                from {{ ref('fct_call_segments') }}
                where is_answered
                group by 1, 2
            ) as per_day
            group by 1, 2

        ),

        fcr as (

            select
                agent_id,
                {{ period_expr('call_date') }} as period_start,
                count(case when is_fcr is not null then 1 end) as fcr_eligible,
                count(case when is_fcr then 1 end) as fcr_resolved,
                count(case when is_fcr_final = false then 1 end) as fcr_provisional
            from {{ ref('fct_calls') }}
            where agent_id is not null
            group by 1, 2

        ),

        surveys as (

            select
                agent_id,
                {{ period_expr('call_date') }} as period_start,
                count(csat_score) as csat_scored,
                count(case when is_satisfied then 1 end) as csat_satisfied
            from {{ ref('fct_survey_responses') }}
            where agent_id is not null
            group by 1, 2

        ),

        qa as (

            select
                agent_id,
                {{ period_expr('call_date') }} as period_start,
                count(*) as qa_evaluations,
                avg(score) as qa_score,
                sum(score) as qa_score_total,
                count(case when is_fatal then 1 end) as qa_fatal_errors
            from {{ ref('fct_qa_evaluations') }}
            where call_date is not null
            group by 1, 2

        ),

        orders as (

            select
                agent_id,
                {{ period_expr('call_date') }} as period_start,
                count(*) as phone_orders,
                sum(order_amount) as phone_order_amount
            from {{ ref('fct_tickets') }}
            where ticket_type = 'order' and agent_id is not null and call_date is not null
            group by 1, 2

        ),

        figures as (

            select
                segments.agent_id,
                agents.agent_name,
                coalesce(agents.team, 'unknown') as team,
                agents.role,
                segments.period_start,
                segments.days_worked,
                segments.answered,
                segments.talk_seconds,
                segments.hold_seconds,
                segments.acw_seconds_total,
                segments.acw_known_segments,
                segments.handle_seconds,
                segments.transfers_out,
                {{ safe_ratio('segments.handle_seconds', 'segments.answered') }} as aht_seconds,
                {{ safe_ratio('segments.acw_seconds_total', 'segments.acw_known_segments') }} as acw_seconds,
                {{ safe_ratio('segments.transfers_out', 'segments.answered') }} as transfer_rate,
                coalesce(fcr.fcr_eligible, 0) as fcr_eligible,
                coalesce(fcr.fcr_resolved, 0) as fcr_resolved,
                {{ safe_ratio('fcr.fcr_resolved', 'fcr.fcr_eligible') }} as fcr_rate,
                case when fcr.fcr_eligible > 0 then fcr.fcr_provisional = 0 end as is_fcr_final,
                coalesce(surveys.csat_scored, 0) as csat_scored,
                coalesce(surveys.csat_satisfied, 0) as csat_satisfied,
                {{ safe_ratio('surveys.csat_satisfied', 'surveys.csat_scored') }} as csat,
                coalesce(qa.qa_evaluations, 0) as qa_evaluations,
                qa.qa_score,
                qa.qa_score_total,
                coalesce(qa.qa_fatal_errors, 0) as qa_fatal_errors,
                coalesce(orders.phone_orders, 0) as phone_orders,
                coalesce(orders.phone_order_amount, 0) as phone_order_amount,
                (segments.talk_seconds + segments.hold_seconds) / 3600.0 as phone_hours,
                coalesce(daily_phone.days_over_phone_cap, 0) as days_over_phone_cap
            from segments
            left join {{ ref('dim_agents') }} as agents on segments.agent_id = agents.agent_id
            left join daily_phone
                on
                    segments.agent_id = daily_phone.agent_id
                    and segments.period_start = daily_phone.period_start
            left join fcr
                on segments.agent_id = fcr.agent_id and segments.period_start = fcr.period_start
            left join surveys
                on segments.agent_id = surveys.agent_id and segments.period_start = surveys.period_start
            left join qa
                on segments.agent_id = qa.agent_id and segments.period_start = qa.period_start
            left join orders
                on segments.agent_id = orders.agent_id and segments.period_start = orders.period_start

        ),

        ranked as (

            -- Ranking: calls answered (话务量), more is better; ties share a rank.
            select
                *,
                rank() over (partition by period_start, team order by answered desc) as rank_in_team,
                rank() over (partition by period_start order by answered desc) as rank_in_center
            from figures

        )

        select * from ranked
    ) as {{ grain }}_figures
    {% if not loop.last %}union all{% endif %}
{% endfor %}
