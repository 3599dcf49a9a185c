with

channels as (
    select * from {{ ref('channels') }}
),

final as (
    select
        channel_code,
        channel_name,
        channel_name_en,
        sort_order
    from channels
)

select * from final
