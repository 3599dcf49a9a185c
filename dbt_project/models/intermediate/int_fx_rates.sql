{#-
    Monthly rate to CNY per currency and month, for every month of the calendar:
    - CNY is 1 in every month;
    - a month given in the FX sheet has its rate (is_projected = false);
    - a month after the newest month given for the currency carries that newest rate forward
      (is_projected = true). Only forward-looking figures (pipeline, targets) may use a
      projected rate: orders and payments take given rates only, and a missing one fails the
      build (test `mapped` on int_order_lines.fx_rate).
    A gap between two given months is not filled: it stays missing.
-#}
with

fx_rates as (
    select * from {{ ref('stg_sheets__fx_rates') }}
    where not is_deleted and rate_month is not null
),

months as (
    select * from {{ ref('int_months') }}
),

given_rates as (
    select
        currency,
        rate_month,
        rate_to_cny,
        false as is_projected
    from fx_rates
    where currency <> '{{ var("reporting_currency") }}'
),

newest_given_rates as (
    select
        currency,
        rate_month as newest_month,
        rate_to_cny
    from (
        select
            given_rates.*,
            row_number() over (partition by currency order by rate_month desc) as month_rank
        from given_rates
    ) as ranked
    where month_rank = 1
),

projected_rates as (
    select
        newest_given_rates.currency,
        months.month_start as rate_month,
        newest_given_rates.rate_to_cny,
        true as is_projected
    from newest_given_rates
    inner join months
        on months.month_start > newest_given_rates.newest_month
),

reporting_currency_rates as (
    select
        '{{ var("reporting_currency") }}' as currency,
        month_start as rate_month,
        cast(1 as decimal(18, 6)) as rate_to_cny,
        false as is_projected
    from months
),

final as (
    select * from given_rates
    union all
    select * from projected_rates
    union all
    select * from reporting_currency_rates
)

select * from final
