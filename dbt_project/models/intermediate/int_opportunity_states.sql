{#-
    What each opportunity looked like over time: one row per opportunity × span of days in which
    its stage, amount, probability and expected close date stayed the same, valid from valid_from
    (inclusive) to valid_to (exclusive; null while it still holds). The state on day D is the row
    with valid_from <= D and (valid_to is null or D < valid_to): the end-of-day state of D.

    - stage: the newest stage entered by the end of the day (int_opportunity_stage_history: the
      CRM's stage history export, else stages derived from the raw versions), so any CRM whose
      stages reach int_opportunity_stage_history takes part;
    - amount, currency, expected close date: the newest raw version (int_opportunity_versions:
      stg_*_versions, one row per load-visible Modified Time) modified by the end of the day. Before the first version the raw
      zone holds (the stage history can reach further back), the first version's values are
      carried back (values_basis 'first_version_carried_back'), else 'version';
    - forecast_category: the CRM's forecast category of the version (pipeline, best case, commit,
      closed, omitted), lower case; null for a CRM without one (Zoho, Fxiaoke export none);
    - win_probability: the version's probability while the version shows the day's stage, else the
      stage's default probability (seed stage_mapping), as int_opportunities sets it.
    An edit made and undone between two loads is not seen (the raw zone keeps loaded versions).
    Before its first stage entry an opportunity has no state: it is in no day's pipeline.
    Only opportunities that still exist (int_opportunities) are kept. loaded_at: when the state
    became known (fct_pipeline_daily rebuilds the days from the earliest state loaded since its
    last run).
-#}
with

stage_history as (
    select * from {{ ref('int_opportunity_stage_history') }}
),

opportunities as (
    select * from {{ ref('int_opportunities') }}
),

stage_mapping as (
    select * from {{ ref('stage_mapping') }}
),

-- int_opportunity_versions is read three times, each a scan of its own: one import CTE read
-- three times would be materialized whole (what made this model run out of memory at 10M)
version_changes as (
    select * from {{ ref('int_opportunity_versions') }}
    where newest_of_day = 1
),

first_versions as (
    select * from {{ ref('int_opportunity_versions') }}
    where version_sequence = 1
),

stage_changes as (
    select * from (
        select
            stage_history.*,
            cast(entered_at as date) as change_date,
            row_number() over (
                partition by opportunity_key, cast(entered_at as date)
                order by stage_sequence desc
            ) as newest_of_day
        from stage_history
    ) as stages_by_day
    where newest_of_day = 1
),

change_dates as (
    select opportunity_key, change_date from stage_changes
    union
    select opportunity_key, change_date from version_changes
),

changes as (
    select
        change_dates.opportunity_key,
        change_dates.change_date,
        stage_changes.stage_sequence,
        stage_changes.source_stage,
        version_changes.version_sequence,
        version_changes.source_stage as version_stage,
        version_changes.amount,
        version_changes.currency,
        version_changes.probability,
        version_changes.expected_close_date
    from change_dates
    left join stage_changes
        on stage_changes.opportunity_key = change_dates.opportunity_key
        and stage_changes.change_date = change_dates.change_date
    left join version_changes
        on version_changes.opportunity_key = change_dates.opportunity_key
        and version_changes.change_date = change_dates.change_date
),

grouped as (
    -- each change opens a group that the following days without such a change belong to
    select
        changes.*,
        count(stage_sequence) over (
            partition by opportunity_key order by change_date rows between unbounded preceding and current row
        ) as stage_group_number,
        count(version_sequence) over (
            partition by opportunity_key order by change_date rows between unbounded preceding and current row
        ) as version_group_number,
        -- the next change ends the state: taken here, on narrow rows (the days before the first
        -- stage entry, which the states drop, all come before it)
        lead(change_date) over (partition by opportunity_key order by change_date) as next_change_date
    from changes
),

filled as (
    select
        opportunity_key,
        change_date,
        max(stage_sequence) over (partition by opportunity_key, stage_group_number) as stage_sequence,
        max(version_sequence) over (partition by opportunity_key, version_group_number) as version_sequence,
        grouped.version_sequence is not null as is_version_change,
        next_change_date
    from grouped
),

states as (
    select
        filled.opportunity_key,
        filled.change_date as valid_from,
        filled.next_change_date as valid_to,
        stage_history.source_system,
        stage_history.opportunity_id,
        stage_history.source_stage,
        stage_history.stage_code,
        stage_history.stage_group,
        stage_history.stage_order,
        coalesce(day_version.version_sequence, first_versions.version_sequence) as version_sequence,
        case when day_version.version_sequence is null then 'first_version_carried_back' else 'version' end as values_basis,
        coalesce(day_version.amount, first_versions.amount) as amount,
        coalesce(day_version.currency, first_versions.currency, opportunities.currency) as currency,
        coalesce(day_version.expected_close_date, first_versions.expected_close_date) as expected_close_date,
        coalesce(day_version.forecast_category, first_versions.forecast_category) as forecast_category,
        coalesce(
            case when coalesce(day_version.source_stage, first_versions.source_stage) = stage_history.source_stage
                then coalesce(day_version.probability, first_versions.probability) end,
            stage_mapping.default_probability
        ) as win_probability,
        opportunities.rep_id,
        opportunities.customer_key,
        -- when the state became known: the first load of the version that opened it, else (a stage
        -- change alone, from an exported history) the newest load of the opportunity's history
        case when filled.is_version_change then day_version.first_loaded_at else stage_history.loaded_at end
            as loaded_at
    from filled
    -- days before the opportunity's first stage entry have no state
    inner join stage_history
        on stage_history.opportunity_key = filled.opportunity_key
        and stage_history.stage_sequence = filled.stage_sequence
    inner join opportunities
        on opportunities.opportunity_key = filled.opportunity_key
    left join {{ ref('int_opportunity_versions') }} as day_version
        on day_version.opportunity_key = filled.opportunity_key
        and day_version.version_sequence = filled.version_sequence
    left join first_versions
        on first_versions.opportunity_key = filled.opportunity_key
    left join stage_mapping
        on stage_mapping.source_system = stage_history.source_system
        and {{ match_key('stage_mapping.source_stage') }} = {{ match_key('stage_history.source_stage') }}
),

final as (
    select
        {{ dbt.hash(dbt.concat(['opportunity_key', "'|'", dbt.cast('valid_from', dbt.type_string())])) }} as opportunity_state_key,
        opportunity_key,
        source_system,
        opportunity_id,
        valid_from,
        valid_to,
        source_stage,
        stage_code,
        stage_group,
        stage_order,
        {{ to_money('amount') }} as amount,
        currency,
        cast(win_probability as decimal(9, 6)) as win_probability,
        expected_close_date,
        lower(forecast_category) as forecast_category,
        values_basis,
        rep_id,
        customer_key,
        loaded_at
    from states
)

select * from final
