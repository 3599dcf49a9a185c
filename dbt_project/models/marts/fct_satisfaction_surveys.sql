{#- One row per customer satisfaction survey (score 0–100), matched to the customer by name in
    either CRM (Fxiaoke first) and to the rep by name. -#}
with

surveys as (
    select * from {{ ref('stg_sheets__satisfaction_surveys') }}
    where not is_deleted
),

customer_lookup as (
    select * from {{ ref('int_customer_lookup') }}
),

customer_matches as (
    select * from {{ ref('int_customer_matches') }}
),

roster as (
    select * from {{ ref('stg_sheets__sales_roster') }}
    where not is_deleted
),

reps as (
    select * from {{ ref('int_reps') }}
),

rep_names as (
    select {{ match_key('rep_name') }} as lookup_key, min(rep_id) as rep_id
    from roster
    group by {{ match_key('rep_name') }}
    having count(distinct rep_id) = 1
),

resolved as (
    select
        surveys.*,
        coalesce(fxiaoke_customer.customer_key, zoho_customer.customer_key) as customer_key,
        rep_names.rep_id
    from surveys
    left join customer_lookup as fxiaoke_customer
        on fxiaoke_customer.source_system = 'fxiaoke'
        and fxiaoke_customer.lookup_key = {{ match_key('surveys.customer_name') }}
    left join customer_lookup as zoho_customer
        on zoho_customer.source_system = 'zoho'
        and zoho_customer.lookup_key = {{ match_key('surveys.customer_name') }}
    left join rep_names
        on rep_names.lookup_key = {{ match_key('surveys.rep_name') }}
),

final as (
    select
        {{ dbt.hash(dbt.concat(["'sheets|'", 'resolved.survey_id'])) }} as survey_key,
        resolved.survey_id,
        resolved.survey_date,
        resolved.customer_key,
        customer_matches.customer_master_key,
        resolved.customer_name,
        resolved.rep_id,
        reps.rep_key,
        reps.region_code,
        reps.team,
        cast(resolved.score as decimal(9, 4)) as score
    from resolved
    left join customer_matches
        on resolved.customer_key = customer_matches.customer_key
    left join reps
        on resolved.rep_id = reps.rep_id
        and resolved.survey_date >= reps.valid_from
        and (reps.valid_to is null or resolved.survey_date <= reps.valid_to)
)

select * from final
