{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='sent_date',
        post_hook="{{ record_incremental_mark() }}",
    )
}}
-- One row per survey sent. A call's survey is credited to the agent of its last answered
-- segment; a ticket-only survey to the agent of the call that opened the ticket.
-- Incremental by sent_date, over the same window as the calls: a survey is sent on or after its
-- call's date, and a late call or survey file reaches back as for the calls (macros/incremental.sql).
-- A ticket's call and district are taken as they are when the survey's day is built (neither
-- changes after the ticket is opened).
with

surveys as (

    select * from {{ ref('stg_raw__surveys') }}
    where {{ reprocess_window('sent_date', 'sent_date') }}

),

calls as (

    select
        call_id,
        district,
        agent_id,
        call_date
    from {{ ref('int_calls_collapsed') }}

),

tickets as (

    select
        ticket_id,
        call_id,
        district
    from {{ ref('stg_raw__tickets') }}

),

joined as (

    select
        surveys.survey_id,
        surveys.channel,
        surveys.call_id,
        surveys.ticket_id,
        coalesce(surveys.call_id, tickets.call_id) as credited_call_id,
        surveys.sent_at,
        surveys.responded_at,
        surveys.sent_date,
        surveys.csat_score,
        surveys.nps_score,
        surveys.has_comment,
        surveys.responded_at is not null as is_responded,
        surveys.csat_score >= 4 as is_satisfied,
        case
            when surveys.nps_score >= 9 then 'promoter'
            when surveys.nps_score >= 7 then 'passive'
            when surveys.nps_score >= 0 then 'detractor'
        end as nps_category,
        coalesce(calls.district, tickets.district) as district,
        calls.agent_id,
        calls.call_date
    from surveys
    left join tickets on surveys.ticket_id = tickets.ticket_id
    left join calls on coalesce(surveys.call_id, tickets.call_id) = calls.call_id

)

select * from joined
