"""Polars loaders for the call-center landing folder (pure Python: no Dagster or Streamlit)."""
