{#
    The machine's share a build may take, from the same environment variables as the loader
    (ingest/settings.py): DuckDB's memory limit (default 4GB, not DuckDB's 80 % of RAM), threads
    and temp directory (only when set). Run once per dbt invocation (on-run-start).
#}
{% macro apply_duckdb_settings() -%}
    {%- if target.type == 'duckdb' -%}
        set memory_limit = '{{ env_var("DUCKDB_MEMORY_LIMIT", "") or "4GB" }}';
        {%- if env_var("DUCKDB_THREADS", "") %}
        set threads = {{ env_var("DUCKDB_THREADS") | int }};
        {%- endif %}
        {%- if env_var("DUCKDB_TEMP_DIR", "") %}
        set temp_directory = '{{ env_var("DUCKDB_TEMP_DIR") }}';
        {%- endif %}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
