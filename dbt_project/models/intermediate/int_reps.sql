{#-
    The sales roster as SCD2 history: one row per rep and assignment (region, team, manager),
    valid from valid_from to valid_to, both inclusive; valid_to is null while the row is open.
    A row ends the day before the rep's next row starts, on the roster's Valid To, or on the
    rep's leave date, whichever comes first.
-#}
with

roster as (
    select * from {{ ref('stg_sheets__sales_roster') }}
    where not is_deleted
),

regions as (
    select * from {{ ref('regions') }}
),

with_next_row as (
    select
        roster.*,
        lead(valid_from) over (partition by rep_id order by valid_from) as next_valid_from,
        row_number() over (partition by rep_id order by valid_from desc) as recency_rank
    from roster
),

bounded as (
    select
        with_next_row.*,
        nullif(
            least(
                coalesce(valid_to, cast('9999-12-31' as date)),
                coalesce(cast({{ dbt.dateadd('day', -1, 'next_valid_from') }} as date), cast('9999-12-31' as date)),
                coalesce(leave_date, cast('9999-12-31' as date))
            ),
            cast('9999-12-31' as date)
        ) as valid_until
    from with_next_row
),

final as (
    select
        {{ dbt.hash(dbt.concat(['bounded.rep_id', "'|'", dbt.cast('bounded.valid_from', dbt.type_string())])) }} as rep_key,
        bounded.rep_id,
        bounded.rep_name,
        bounded.email,
        bounded.zoho_user,
        bounded.zoho_user_id,
        bounded.fxiaoke_user,
        bounded.region_code,
        regions.region_name,
        bounded.source_region,
        bounded.team,
        bounded.manager,
        bounded.valid_from,
        bounded.valid_until as valid_to,
        bounded.hire_date,
        bounded.leave_date,
        bounded.recency_rank = 1 as is_last_assignment,
        bounded.recency_rank = 1
            and (bounded.valid_until is null or bounded.valid_until >= current_date) as is_current
    from bounded
    left join regions
        on bounded.region_code = regions.region_code
)

select * from final
