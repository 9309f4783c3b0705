-- One row per call reason (wrap-up code), with the department that owns its cause.
select
    reasons.reason_code,
    reasons.reason_name_zh,
    reasons.reason_name_en,
    reasons.category,
    reasons.department_code,
    departments.department_name_zh,
    departments.department_name_en
from {{ ref('call_reasons') }} as reasons
left join {{ ref('departments') }} as departments
    on reasons.department_code = departments.department_code
