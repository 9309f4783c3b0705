"""The metric catalogue: every rate as declared once in the semantic layer
(dbt_project/models/semantic/_metrics.yml and _semantic_models.yml).

The pages read their labels, units, good direction, targets and definitions from here, and roll a
period up with `rates_over_period`, which divides the summed numerator by the summed denominator
exactly as the marts' rate columns and `mf query` do. `make metrics` (python -m dashboards.metrics)
writes what is generated from the declarations: docs/metrics.md's tables, the dbt doc blocks the
marts' YAML describes their columns with (models/semantic/_metrics__docs.md) and the copy that
dbt's unit tests read (dbt_project/macros/_metric_declarations.sql).
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import yaml

SEMANTIC_DIR = Path(__file__).resolve().parents[1] / "dbt_project" / "models" / "semantic"
MACRO_COPY = SEMANTIC_DIR.parents[1] / "macros" / "_metric_declarations.sql"


@dataclass(frozen=True)
class Measure:
    name: str
    semantic_model: str
    agg: str
    expr: str
    description: str


@dataclass(frozen=True)
class Metric:
    """A ratio metric: numerator and denominator are measures, i.e. columns of the marts."""

    name: str
    label: str
    label_zh: str
    short: str
    definition: str
    numerator: str
    denominator: str
    unit: str  # fraction | seconds
    direction: str  # higher | lower | none
    target: float | None
    semantic_model: str
    filter: str | None

    def meets_target(self, value: float | None) -> bool | None:
        """True / False against the target in the good direction; None without value or target."""
        if value is None or self.target is None or self.direction == "none":
            return None
        return value >= self.target if self.direction == "higher" else value <= self.target


def _load(name: str) -> dict:
    return yaml.safe_load((SEMANTIC_DIR / name).read_text(encoding="utf-8"))


@functools.cache
def measures() -> dict[str, Measure]:
    found = {}
    for model in _load("_semantic_models.yml")["semantic_models"]:
        for measure in model["measures"]:
            found[measure["name"]] = Measure(
                measure["name"],
                model["name"],
                measure["agg"],
                measure.get("expr") or measure["name"],
                measure.get("description", ""),
            )
    return found


@functools.cache
def catalogue() -> dict[str, Metric]:
    """Every ratio metric by name, in declaration order."""
    declared = _load("_metrics.yml")["metrics"]
    simple = {m["name"]: m["type_params"]["measure"] for m in declared if m["type"] == "simple"}
    found = {}
    for metric in declared:
        if metric["type"] != "ratio":
            continue
        params, meta = metric["type_params"], metric.get("config", {}).get("meta", {})
        numerator, denominator = params["numerator"], params["denominator"]
        filters = {part.get("filter") for part in (numerator, denominator) if isinstance(part, dict)}
        numerator_measure = simple[numerator["name"] if isinstance(numerator, dict) else numerator]
        found[metric["name"]] = Metric(
            name=metric["name"],
            label=metric["label"],
            label_zh=meta.get("label_zh", ""),
            short=meta.get("short", metric["label"]),
            definition=" ".join(metric.get("description", "").split()),
            numerator=numerator_measure,
            denominator=simple[denominator["name"] if isinstance(denominator, dict) else denominator],
            unit=meta["unit"],
            direction=meta.get("direction", "none"),
            target=float(meta["target"]) if meta.get("target") is not None else None,
            semantic_model=measures()[numerator_measure].semantic_model,
            filter=next(iter(filters - {None}), None),
        )
    return found


def rates_over_period(frame: pl.DataFrame, by: list[str], *also: pl.Expr) -> pl.DataFrame:
    """A period's (or group's) rates from the summed counts of a mart's rows: the summed
    numerator ÷ the summed denominator (never an average of rates), NULL when the denominator is
    0. Every declared rate whose two counts the frame carries is computed; the counts are summed
    and `also` adds other aggregations of the group."""
    rates = [
        m
        for m in catalogue().values()
        if m.filter is None and m.numerator in frame.columns and m.denominator in frame.columns
    ]
    summed = [c for c in measures() if c in frame.columns and c not in by]
    return (
        frame.group_by(by)
        .agg(
            # A count over nothing is 0; a sum over nothing stays NULL, as in SQL and the marts.
            *(
                pl.col(c).sum()
                if measures()[c].agg == "count"
                else pl.when(pl.col(c).count() > 0).then(pl.col(c).sum())
                for c in summed
            ),
            *also,
        )
        .with_columns(
            # As doubles: a sum DuckDB returns as a 128-bit integer arrives as a Decimal, which
            # Polars would divide in whole numbers.
            pl.when(pl.col(m.denominator) > 0)
            .then(pl.col(m.numerator).cast(pl.Float64) / pl.col(m.denominator).cast(pl.Float64))
            .alias(m.name)
            for m in rates
        )
    )


@dataclass(frozen=True)
class Target:
    """A target as dim_kpi_targets and dim_queue_targets publish it: a value and how a figure
    meets it (comparison >= or <=, from the declaration's direction)."""

    value: float
    comparison: str

    def met(self, figure) -> bool | None:
        if figure is None or (isinstance(figure, float) and math.isnan(figure)):
            return None
        return figure >= self.value if self.comparison == ">=" else figure <= self.value


# The rates judged per district and per queue (those the marts carry at that grain).
DISTRICT_ALERTS = ("connect_rate", "service_level", "abandon_rate", "asa_seconds", "fcr_rate", "csat")
QUEUE_ALERTS = ("connect_rate", "service_level", "abandon_rate", "asa_seconds")
ALERT_SCHEMA = {"scope": pl.String, "name": pl.String, "name_zh": pl.String, "name_en": pl.String,
                "kpi_code": pl.String, "value": pl.Float64, "target": pl.Float64}  # fmt: skip


def breaches(
    districts: pl.DataFrame,
    queues: pl.DataFrame,
    targets: dict[str, Target],
    queue_targets: dict[tuple[str, str], Target],
) -> pl.DataFrame:
    """Every target a district or a queue missed: one row per (place, KPI), the KPIs in
    declaration order, the worst miss first. `districts` and `queues` carry one row per place
    with its rolled-up rates and its names (name, name_zh, name_en); a queue is judged by its own
    target where the declaration sets one (`queue_targets`), else by the center's."""
    found: list[dict] = []
    for scope, frame, codes in (("district", districts, DISTRICT_ALERTS), ("queue", queues, QUEUE_ALERTS)):
        for row in frame.to_dicts():
            for code in codes:
                target = queue_targets.get((code, row["name"])) if scope == "queue" else None
                target = target or targets.get(code)
                if target is not None and target.met(row.get(code)) is False:
                    found.append({"scope": scope, "name": row["name"], "name_zh": row["name_zh"],
                                  "name_en": row["name_en"], "kpi_code": code, "value": row[code],
                                  "target": target.value})  # fmt: skip
    order = {code: i for i, code in enumerate(catalogue())}
    return (
        pl.DataFrame(found, schema=ALERT_SCHEMA)
        .with_columns(
            pl.col("kpi_code").replace_strict(order, default=99).alias("_order"),
            (pl.col("value") - pl.col("target")).abs().alias("_gap"),
        )
        .sort(["_order", "scope", "_gap"], descending=[False, False, True])
        .drop("_order", "_gap")
    )


def declarations() -> dict:
    """What dbt's macros need (macros/metrics.sql, metric_declarations): measures per semantic
    model and each ratio's numerator and denominator measures."""
    semantic_models: dict[str, list[dict]] = {}
    for measure in measures().values():
        semantic_models.setdefault(measure.semantic_model, []).append(
            {"name": measure.name, "agg": measure.agg, "expr": measure.expr}
        )
    ratios = {
        m.name: {"numerator": m.numerator, "denominator": m.denominator, "filtered": m.filter is not None}
        for m in catalogue().values()
    }
    return {"semantic_models": semantic_models, "ratios": ratios}


def macro_copy() -> str:
    declared = declarations()
    models = ",\n".join(
        f'        "{name}": [\n' + ",\n".join(f"            {json.dumps(m)}" for m in found) + "\n        ]"
        for name, found in declared["semantic_models"].items()
    )
    ratios = ",\n".join(f'        "{name}": {json.dumps(r)}' for name, r in declared["ratios"].items())
    body = f'{{\n    "semantic_models": {{\n{models}\n    }},\n    "ratios": {{\n{ratios}\n    }}\n}}'
    assert json.loads(body) == declared
    return (
        "{#\n"
        "    Generated by `make metrics` (python -m dashboards.metrics) from models/semantic/*.yml; do not\n"
        "    edit. dbt's unit tests get no graph, so macros/metrics.sql reads this copy there;\n"
        "    tests/dbt/test_metrics.py fails when it differs from the YAML.\n"
        "#}\n"
        "{% macro declared_metrics_copy() %}\n"
        f"{{{{ return({body}) }}}}\n"
        "{% endmacro %}\n"
    )


DOCS = SEMANTIC_DIR.parents[2] / "docs" / "metrics.md"
DIMENSION = re.compile(r"\{\{ *Dimension\('\w+__(\w+)'\) *\}\}")  # {{ Dimension('ticket__ticket_type') }}
BEGIN, END = "<!-- metrics:begin (make metrics writes this table) -->", "<!-- metrics:end -->"


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    return f"{value:.0%}" if unit == "fraction" else f"{value:g} s"


def docs_tables() -> str:
    """docs/metrics.md's tables of rates and counts, from the declarations."""
    good = {"higher": "higher", "lower": "lower", "none": ""}
    lines = [
        "| metric | 中文 | numerator ÷ denominator | unit | better | target | definition |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for m in catalogue().values():
        where = " where " + DIMENSION.sub(r"\1", m.filter) if m.filter else ""
        lines.append(
            f"| `{m.name}` | {m.label_zh} | `{m.numerator}` ÷ `{m.denominator}`{where} | {m.unit} | "
            f"{good[m.direction]} | {_number(m.target, m.unit)} | {m.definition} |"
        )
    lines += ["", "| count | fact table | counts | definition |", "| --- | --- | --- | --- |"]
    facts = {"calls": "fct_calls", "surveys": "fct_survey_responses", "tickets": "fct_tickets"}
    for measure in measures().values():
        lines.append(
            f"| `{measure.name}` | {facts.get(measure.semantic_model, measure.semantic_model)} | "
            f"`{measure.agg}({measure.expr})` | {measure.description} |"
        )
    return "\n".join(lines)


def docs_with_tables() -> str:
    text = DOCS.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{DOCS.name} lacks the {BEGIN} … {END} markers")
    head, rest = text.split(BEGIN, 1)
    return head + BEGIN + "\n" + docs_tables() + "\n" + END + rest.split(END, 1)[1]


DOC_BLOCKS = SEMANTIC_DIR / "_metrics__docs.md"


def doc_blocks() -> str:
    """dbt doc blocks (`{{ doc("metric_connect_rate") }}`), so that the marts' YAML describes a
    count or rate column by its declaration instead of repeating it."""
    blocks = ["Generated by `make metrics` from _semantic_models.yml and _metrics.yml; do not edit.\n"]
    for measure in measures().values():
        blocks.append(f"{{% docs metric_{measure.name} %}}\n{measure.description}\n{{% enddocs %}}\n")
    for m in catalogue().values():
        target = f" Target {_number(m.target, m.unit)} ({good_side(m)})." if m.target is not None else ""
        ratio = f"`{m.numerator}` ÷ `{m.denominator}`, NULL when 0."
        text = f"{m.label} ({m.label_zh}): {m.definition} {ratio}{target}"
        blocks.append(f"{{% docs metric_{m.name} %}}\n{text}\n{{% enddocs %}}\n")
    return "\n".join(blocks)


def good_side(metric: Metric) -> str:
    return {"higher": "at or above is good", "lower": "at or below is good"}.get(metric.direction, "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboards.metrics", description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if a generated file is out of date")
    args = parser.parse_args(argv)
    outputs = {MACRO_COPY: macro_copy(), DOCS: docs_with_tables(), DOC_BLOCKS: doc_blocks()}
    stale = [
        path
        for path, wanted in outputs.items()
        if not path.exists() or path.read_text(encoding="utf-8") != wanted
    ]
    if args.check:
        for path in stale:
            print(f"{path.name} is out of date with models/semantic/: run `make metrics`.", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.write_text(outputs[path], encoding="utf-8")
        print(f"Wrote {path.relative_to(SEMANTIC_DIR.parents[2])}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
