{#- Reps with their history (SCD2) from the sales roster: one row per rep and assignment.
    Facts carry the rep_key of the row valid on their date. -#}
with

reps as (
    select * from {{ ref('int_reps') }}
),

final as (
    select
        rep_key,
        rep_id,
        rep_name,
        email,
        region_code,
        region_name,
        team,
        manager,
        zoho_user,
        fxiaoke_user,
        valid_from,
        valid_to,
        hire_date,
        leave_date,
        is_current
    from reps
)

select * from final
