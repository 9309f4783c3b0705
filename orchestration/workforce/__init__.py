"""Workforce planning: queueing formulas (Erlang B, C and A), staffing to roster, the staffing
calculator (`uv run staffing`) and the interval forecast. The refresh, the dbt staffing mart and
the Workforce page all call these same functions."""
