{#-
    How other records name an opportunity → its id. Zoho records carry the Deal id. Fxiaoke
    records (销售订单 关联商机, 报价单, 商机阶段变更记录) carry the 商机名称, while 商机 are keyed
    by 商机编号: a name resolves only when one 商机 bears it; a name two 商机 share resolves to
    neither rather than to the wrong one.
-#}
with

opportunities as (
    select source_system, opportunity_id, opportunity_name
    from {{ ref('int_opportunities') }}
),

by_id as (
    select source_system, opportunity_id as lookup_ref, opportunity_id
    from opportunities
),

unique_names as (
    select source_system, opportunity_name as lookup_ref, min(opportunity_id) as opportunity_id
    from opportunities
    where source_system = 'fxiaoke' and opportunity_name is not null
    group by source_system, opportunity_name
    having count(*) = 1
),

by_name as (
    select unique_names.*
    from unique_names
    left join by_id
        on by_id.source_system = unique_names.source_system
        and by_id.lookup_ref = unique_names.lookup_ref
    where by_id.lookup_ref is null
)

select * from by_id
union all
select * from by_name
