with

source as (
    select * from {{ source('sheets', 'satisfaction_surveys') }}
),

newest_versions as (
    {{ newest_version('source', ['survey_id']) }}
),

renamed as (
    select
        survey_id,
        trim(customer_name) as customer_name,
        survey_date,
        score,
        rep_name,
        is_deleted,
        _loaded_at as loaded_at
    from newest_versions
)

select * from renamed
