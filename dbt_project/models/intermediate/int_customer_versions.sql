{#-
    The versions of every CRM customer record from the customers snapshot as half-open validity
    intervals [valid_from, valid_to) — the one place that says which version held on a date, for
    dim_customer and for attribution (macro attribution_joins: the customer's owner on a fact's
    date).
    - The first version of a record is valid from the record's creation in the CRM (from
      1900-01-01 when unknown), so facts older than the first build still find a version.
    - A later version is valid from the CRM Modified Time it carries when that lies after the
      build that saw the previous version (an earlier edit would have been seen by it) and not
      after the build that saw this one; else from the build that saw it.
    - valid_to: the next version's start, else when the record left the export; null while current.
    One row per version; a join on customer_key with a date inside the interval is a range join
    (a record has few versions), never a scan of all versions per fact.
-#}
with

customer_versions as (
    select * from {{ ref('customers_snapshot') }}
),

sequenced as (
    select
        customer_versions.*,
        row_number() over (partition by customer_key order by dbt_valid_from) as version_number
    from customer_versions
),

started as (
    select
        sequenced.*,
        case
            when version_number = 1
                then coalesce(created_at, cast('1900-01-01 00:00:00' as {{ dbt.type_timestamp() }}))
            when modified_at <= dbt_valid_from
                and modified_at > lag(dbt_valid_from) over (partition by customer_key order by dbt_valid_from)
                then modified_at
            else dbt_valid_from
        end as version_start
    from sequenced
),

final as (
    select
        started.*,
        started.version_start as valid_from,
        coalesce(
            lead(started.version_start) over (partition by started.customer_key order by started.dbt_valid_from),
            started.dbt_valid_to
        ) as valid_to
    from started
)

select * from final
