"""The data contract (docs/data-contracts.md) as code: columns, types and enumerations per source.

Row-level rules that involve several columns live in `validate.py`; this module only says what
each column is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SOURCES = ("calls", "tickets", "surveys", "qa", "agents")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text | int | decimal | timestamp | date | bool | district | reason | phone
    required: bool = False
    allowed: tuple[str, ...] = ()
    default: str | None = None


@dataclass(frozen=True)
class Contract:
    source: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    # Alternatives where "one of" several columns is required.
    one_of: tuple[tuple[str, ...], ...] = field(default=())

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


END_REASONS = (
    "caller_hangup",
    "agent_hangup",
    "transfer",
    "queue_timeout",
    "caller_exit",
    "callback",
    "queue_full",
    "system",
)
TICKET_TYPES = ("repair", "complaint", "consultation", "installation", "order", "other")
SEVERITIES = ("general", "major")
CALLBACK_RESULTS = ("satisfied", "unsatisfied", "unreachable")
CHANNELS = ("ivr", "sms")
ROLES = ("agent", "team_leader", "qa", "manager")
SKILL_LEVELS = ("junior", "senior", "expert")

CONTRACTS: dict[str, Contract] = {
    "calls": Contract(
        "calls",
        (
            Column("call_id", "text", required=True),
            Column("segment", "int", default="1"),
            Column("caller_number", "phone", required=True),
            Column("service_number", "text"),
            Column("district", "district", required=True),
            Column("queue", "text"),
            Column("started_at", "timestamp", required=True),
            Column("queued_at", "timestamp"),
            Column("answered_at", "timestamp"),
            Column("ended_at", "timestamp", required=True),
            Column("wrapup_ended_at", "timestamp"),
            Column("agent_id", "text"),
            Column("hold_seconds", "int", default="0"),
            Column("end_reason", "text", allowed=END_REASONS),
            Column("reason_code", "reason"),
            Column("ticket_id", "text"),
            Column("priority", "int"),
            # false when the export does not record how long an unanswered caller waited (a
            # report extract): the call is an abandon, never a short one, with no wait figure.
            Column("is_wait_known", "bool", default="true"),
        ),
        key=("call_id", "segment"),
    ),
    "tickets": Contract(
        "tickets",
        (
            Column("ticket_id", "text", required=True),
            Column("ticket_type", "text", required=True, allowed=TICKET_TYPES),
            Column("severity", "text", allowed=SEVERITIES),
            Column("reason_code", "reason"),
            Column("district", "district", required=True),
            Column("call_id", "text"),
            Column("caller_number", "phone"),
            Column("created_at", "timestamp", required=True),
            Column("resolved_at", "timestamp"),
            Column("closed_at", "timestamp"),
            Column("callback_at", "timestamp"),
            Column("callback_result", "text", allowed=CALLBACK_RESULTS),
            Column("department", "text"),
            Column("order_amount", "decimal"),
        ),
        key=("ticket_id",),
    ),
    "surveys": Contract(
        "surveys",
        (
            Column("survey_id", "text", required=True),
            Column("call_id", "text"),
            Column("ticket_id", "text"),
            Column("channel", "text", required=True, allowed=CHANNELS),
            Column("sent_at", "timestamp", required=True),
            Column("responded_at", "timestamp"),
            Column("csat_score", "int"),
            Column("nps_score", "int"),
            Column("comment", "text"),
        ),
        key=("survey_id",),
        one_of=(("call_id", "ticket_id"),),
    ),
    "qa": Contract(
        "qa",
        (
            Column("evaluation_id", "text", required=True),
            Column("call_id", "text", required=True),
            Column("agent_id", "text", required=True),
            Column("evaluator_id", "text", required=True),
            Column("evaluated_at", "timestamp", required=True),
            Column("score", "decimal", required=True),
            Column("is_fatal", "bool", default="false"),
        ),
        key=("evaluation_id",),
    ),
    "agents": Contract(
        "agents",
        (
            Column("agent_id", "text", required=True),
            Column("agent_name", "text", required=True),
            Column("team", "text", required=True),
            Column("team_leader_id", "text"),
            Column("role", "text", required=True, allowed=ROLES),
            Column("skill_level", "text", allowed=SKILL_LEVELS),
            Column("hired_on", "date"),
            Column("left_on", "date"),
        ),
        key=("agent_id",),
    ),
}
