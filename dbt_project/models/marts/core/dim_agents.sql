-- One row per person on the roster, with their team leader's name. Agent names are staff
-- personal data: for managers inside the warehouse, not for export.
select
    agents.agent_id,
    agents.agent_name,
    agents.team,
    agents.team_leader_id,
    leaders.agent_name as team_leader_name,
    agents.role,
    agents.skill_level,
    agents.hired_on,
    agents.left_on,
    agents.left_on is null as is_active,
    agents.role in ('agent', 'team_leader') as takes_calls
from {{ ref('stg_raw__agents') }} as agents
left join {{ ref('stg_raw__agents') }} as leaders
    on agents.team_leader_id = leaders.agent_id
