{#-
    Which CRM customer records are one real customer: customer_key → customer_master_key.

    Two records are the same customer when
      1. their tax ids (统一社会信用代码) agree, after full-width folding, upper case and removing
         spaces and dashes; else
      2. their normalised names agree (full-width folded, lower case, the legal-form suffix of
         var company_name_suffixes removed — 有限公司, 股份有限公司, Co., Ltd., Inc. … — spaces
         and punctuation removed) AND their phone numbers agree (digits only, without 86 / 0086
         and the trunk 0).
    A record without a tax id whose name + phone matches records that carry exactly one tax id
    joins that tax id's customer (one step of transitivity; longer chains are not followed).
    Names alone never match: two shops called 星辰科技 in different cities stay apart.

    customer_master_key is a hash of the match group (tax id, or name + phone), so it stays the
    same when a later load adds a record to the group; a record that matches nothing keeps its
    own customer_key. is_master_record marks one record per real customer: exported before
    inferred, then the earliest created, then the smallest customer_key.
-#}
with

customers as (
    select * from {{ ref('int_customers') }}
),

keyed as (
    select
        customer_key,
        source_system,
        customer_id,
        customer_name,
        created_at,
        is_inferred,
        {{ normalized_tax_id('tax_id') }} as tax_id_key,
        {{ normalized_company_name('customer_name') }} as name_key,
        {{ normalized_phone('phone') }} as phone_key
    from customers
),

with_name_phone as (
    select
        keyed.*,
        case
            when name_key is not null and phone_key is not null
                then {{ dbt.concat(['name_key', "'|'", 'phone_key']) }}
        end as name_phone_key
    from keyed
),

tax_id_of_name_phone as (
    -- The tax id a name + phone group carries, when exactly one.
    select
        name_phone_key,
        min(tax_id_key) as tax_id_key
    from with_name_phone
    where name_phone_key is not null
        and tax_id_key is not null
    group by name_phone_key
    having count(distinct tax_id_key) = 1
),

grouped as (
    select
        with_name_phone.*,
        case
            when with_name_phone.tax_id_key is not null
                then {{ dbt.concat(["'tax:'", 'with_name_phone.tax_id_key']) }}
            when tax_id_of_name_phone.tax_id_key is not null
                then {{ dbt.concat(["'tax:'", 'tax_id_of_name_phone.tax_id_key']) }}
            when with_name_phone.name_phone_key is not null
                then {{ dbt.concat(["'name_phone:'", 'with_name_phone.name_phone_key']) }}
        end as match_group,
        case
            when with_name_phone.tax_id_key is not null then 'tax_id'
            when tax_id_of_name_phone.tax_id_key is not null then 'name_phone_to_tax_id'
            when with_name_phone.name_phone_key is not null then 'name_phone'
        end as candidate_rule
    from with_name_phone
    left join tax_id_of_name_phone
        on with_name_phone.name_phone_key = tax_id_of_name_phone.name_phone_key
),

group_sizes as (
    select
        grouped.*,
        count(*) over (partition by match_group) as group_records,
        row_number() over (
            partition by coalesce(match_group, customer_key)
            order by case when is_inferred then 1 else 0 end, created_at nulls last, customer_key
        ) as record_rank
    from grouped
),

final as (
    select
        customer_key,
        case
            when match_group is not null and group_records > 1
                then {{ dbt.hash('match_group') }}
            else customer_key
        end as customer_master_key,
        source_system,
        customer_id,
        customer_name,
        case when match_group is not null and group_records > 1 then candidate_rule else 'none' end as match_rule,
        case when match_group is not null then cast(group_records as integer) else 1 end as matched_records,
        record_rank = 1 as is_master_record,
        tax_id_key,
        name_key,
        phone_key
    from group_sizes
)

select * from final
