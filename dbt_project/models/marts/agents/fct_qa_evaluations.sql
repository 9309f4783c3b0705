-- One row per QA evaluation. A fatal error (e.g. leaked customer data) zeroes the call.
select
    qa.evaluation_id,
    qa.call_id,
    qa.agent_id,
    qa.evaluator_id,
    qa.evaluated_at,
    qa.evaluated_date,
    calls.call_date,
    qa.score as raw_score,
    qa.is_fatal,
    case when qa.is_fatal then 0 else qa.score end as score
from {{ ref('stg_raw__qa_evaluations') }} as qa
left join {{ ref('int_calls_collapsed') }} as calls on qa.call_id = calls.call_id
