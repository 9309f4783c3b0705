-- One row per person on the roster (newest roster file's row).
with

source as (

    select * from {{ source('raw', 'agents') }}

),

renamed as (

    select
        agent_id,
        agent_name,
        team,
        team_leader_id,
        role,
        skill_level,
        hired_on,
        left_on

    from source

)

select * from renamed
