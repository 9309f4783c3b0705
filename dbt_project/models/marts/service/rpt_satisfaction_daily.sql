-- One row per local date surveys were sent and channel (ivr, sms, and 'all'): participation
-- (参评率), CSAT (scores 4-5 / scored responses), mean score and NPS.
with

surveys as (

    select * from {{ ref('fct_survey_responses') }}

),

by_channel as (

    {% for channel_expr in ['channel', "'all'"] %}
        select
            sent_date,
            {{ channel_expr }} as channel,
            {{ survey_counts() }},
            avg(csat_score) as mean_csat_score,
            count(nps_score) as nps_responses,
            count(case when nps_category = 'promoter' then 1 end) as nps_promoters,
            count(case when nps_category = 'detractor' then 1 end) as nps_detractors
        from surveys
        group by 1, 2
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select
    *,
    {{ survey_rates() }},
    case
        when nps_responses > 0
            then 100.0 * (nps_promoters - nps_detractors) / nps_responses
    end as nps
from by_channel
