"""Generate a realistic demo call center into the landing folder.

    python -m ingest.demo --days 90 --calls-per-day 5000 --end 2026-11-22 --seed 42 --format csv

Modelled on a city cable-TV operator's hotline (its published daily report splits offered calls
about 4,500 / 180 / 80 / 75 / 5 across 市区 / 江宁 / 浦口 / 六合 / 高淳): 120 agents in 8 teams,
an intraday curve with morning and evening peaks, weekday and holiday effects, one surge day,
caller patience (short abandons, queue timeouts), IVR self-service, transfers, repeat callers
concentrated on some reasons, tickets around their SLA targets, IVR and SMS surveys, QA scores.

Everything is vectorised (NumPy + Polars) and deterministic for a seed. Timestamps are written
as local time of the center, without offset, as a Chinese switch exports them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl

from ingest import settings
from ingest.adapters import writers

DISTRICTS = ["shiqu", "jiangning", "pukou", "liuhe", "gaochun"]
DISTRICT_WEIGHTS = np.array([4500, 180, 80, 75, 5], dtype=float)
DISTRICT_ZH = {"shiqu": "市区", "jiangning": "江宁", "pukou": "浦口", "liuhe": "六合", "gaochun": "高淳"}
SERVICE_NUMBER = "96296"
TEAMS = [f"Team {i}" for i in range(1, 9)]
AGENTS_PER_TEAM = 15  # one team leader + 14 agents: 120 people taking calls

# reason -> (share of calls that reach an agent, repeat propensity, mean talk seconds)
REASONS: dict[str, tuple[float, float, float]] = {
    "signal_fault": (0.090, 0.34, 260), "no_signal_area": (0.030, 0.30, 200),
    "mosaic_picture": (0.060, 0.28, 240), "stb_fault": (0.080, 0.36, 300),
    "remote_fault": (0.030, 0.12, 150), "smartcard_fault": (0.030, 0.22, 220),
    "broadband_down": (0.060, 0.32, 280), "broadband_slow": (0.040, 0.26, 260),
    "wifi_setup": (0.030, 0.10, 240), "billing_dispute": (0.050, 0.30, 330),
    "balance_query": (0.040, 0.04, 90), "payment_failed": (0.030, 0.22, 180),
    "invoice_request": (0.020, 0.05, 140), "arrears_stop": (0.030, 0.10, 160),
    "package_upgrade": (0.040, 0.06, 320), "package_query": (0.050, 0.05, 200),
    "vod_order": (0.020, 0.05, 180), "promotion_query": (0.030, 0.04, 170),
    "new_install": (0.030, 0.08, 300), "relocation": (0.020, 0.12, 280),
    "second_terminal": (0.010, 0.06, 240), "install_delay": (0.015, 0.40, 300),
    "service_attitude": (0.010, 0.20, 420), "repair_delay": (0.015, 0.42, 360),
    "channel_missing": (0.020, 0.15, 180), "program_query": (0.040, 0.03, 110),
    "cancel_service": (0.015, 0.08, 260), "transfer_owner": (0.010, 0.06, 240),
    "address_change": (0.010, 0.04, 150), "other_query": (0.035, 0.06, 150),
}  # fmt: skip
CATEGORY = {
    **dict.fromkeys(
        ["signal_fault", "no_signal_area", "mosaic_picture", "stb_fault", "remote_fault",
         "smartcard_fault", "broadband_down", "broadband_slow"], "repair"),
    **dict.fromkeys(
        ["billing_dispute", "balance_query", "payment_failed", "invoice_request", "arrears_stop"],
        "billing"),
    **dict.fromkeys(["package_upgrade", "vod_order"], "order"),
    **dict.fromkeys(["new_install", "relocation", "second_terminal"], "installation"),
    **dict.fromkeys(["install_delay", "service_attitude", "repair_delay", "channel_missing"],
                    "complaint"),
}  # fmt: skip
QUEUE_OF_CATEGORY = {
    "repair": "repair", "billing": "billing", "order": "orders", "installation": "orders",
    "complaint": "complaints",
}  # fmt: skip
QUEUES = ["general", "repair", "billing", "orders", "complaints"]
DEPARTMENT = {
    "repair": "network_ops", "billing": "billing", "order": "marketing",
    "installation": "installation", "complaint": "customer_service",
}  # fmt: skip
# Reasons callers settle in the IVR menu without an agent.
IVR_REASONS = ["balance_query", "program_query", "package_query", "arrears_stop", "other_query"]

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬斌宇浩凯鹏晨欣怡婷雪琳")
COMMENTS = [
    "师傅上门很及时，谢谢", "等了很久才接通", "问题还没解决，希望尽快处理",
    "客服态度很好", "电视信号还是不稳定", "请尽快联系我 {phone}", "宽带还是很慢",
    "满意", "处理速度太慢了", "维修人员很专业", "希望回电 {phone} 说明情况", "一般",
]  # fmt: skip
QUARTER = 900


@dataclass(frozen=True)
class DemoConfig:
    days: int = 90
    calls_per_day: int = 5000
    end: dt.date | None = None  # default: yesterday in the center's time zone
    seed: int = 42
    file_format: str = "csv"  # csv | parquet | xlsx
    layout: str = "canonical"  # canonical | zh (Chinese headers, GB18030 CSV, calls + tickets)
    surge: bool = True
    surge_day: int | None = None  # index of the surge day; default two thirds into the period

    def end_date(self, tz: str) -> dt.date:
        if self.end is not None:
            return self.end
        return dt.datetime.now(ZoneInfo(tz)).date() - dt.timedelta(days=1)


def intraday_profile() -> np.ndarray:
    """Share of a day's calls per 15-minute interval: quiet night, morning and evening peaks."""
    hours = (np.arange(96) + 0.5) / 4
    curve = (
        0.04
        + 1.00 * np.exp(-0.5 * ((hours - 10.0) / 1.6) ** 2)
        + 0.75 * np.exp(-0.5 * ((hours - 14.8) / 1.8) ** 2)
        + 0.85 * np.exp(-0.5 * ((hours - 20.0) / 1.4) ** 2)
    )
    curve[hours < 7] *= 0.15
    return curve / curve.sum()


def _holidays() -> tuple[set[dt.date], set[dt.date]]:
    # The demo center is in China: its calendar, with make-up workdays.
    frame = pl.read_csv(settings.SEEDS_DIR / "holidays.csv", try_parse_dates=True).filter(
        pl.col("country_code") == "CN"
    )
    off = set(frame.filter(pl.col("is_day_off"))["holiday_date"].to_list())
    work = set(frame.filter(~pl.col("is_day_off"))["holiday_date"].to_list())
    return off, work


def _phone_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """Mainland mobile numbers, some Nanjing landlines (025) and a few anonymous callers."""
    prefixes = np.array(["130", "131", "132", "133", "135", "136", "137", "138", "139", "150",
                         "151", "152", "155", "157", "158", "159", "180", "181", "186", "187",
                         "188", "189", "199"])  # fmt: skip
    body = rng.integers(0, 10**8, n)
    mobile = np.char.add(prefixes[rng.integers(0, len(prefixes), n)], np.char.zfill(body.astype(str), 8))
    landline = np.char.add("025", np.char.zfill((body % 10**8).astype(str), 8))
    kind = rng.random(n)
    numbers = np.where(kind < 0.12, landline, mobile).astype(object)
    numbers[kind > 0.97] = "anonymous"
    return numbers


def _local(seconds: np.ndarray) -> pl.Series:
    """Local naive datetimes from seconds since 1970-01-01 local (NaN -> null)."""
    s = pl.Series(seconds, dtype=pl.Float64).fill_nan(None)
    return (s.round(0).cast(pl.Int64) * 1_000_000).cast(pl.Datetime("us"))


def _frame(columns: dict, **kwargs) -> pl.DataFrame:
    """DataFrame from NumPy columns; object arrays (text with None) go in as lists."""
    return pl.DataFrame(
        {k: v.tolist() if isinstance(v, np.ndarray) and v.dtype == object else v for k, v in columns.items()},
        **kwargs,
    )


def _plus(series: pl.Series, seconds) -> pl.Series:
    """A datetime series plus a number of seconds per row (array or scalar)."""
    micros = (np.asarray(seconds, dtype=float) * 1_000_000).astype(np.int64)
    return series + pl.Series(np.broadcast_to(micros, len(series))).cast(pl.Duration("us"))


def roster(rng: np.random.Generator, start: dt.date) -> pl.DataFrame:
    n = len(TEAMS) * AGENTS_PER_TEAM
    ids = [str(1001 + i) for i in range(n)]
    names = [SURNAMES[rng.integers(len(SURNAMES))] + "".join(rng.choice(GIVEN, rng.integers(1, 3)))
             for _ in range(n + 8)]  # fmt: skip
    team_idx = np.arange(n) // AGENTS_PER_TEAM
    is_leader = np.arange(n) % AGENTS_PER_TEAM == 0
    leader_ids = [ids[t * AGENTS_PER_TEAM] for t in range(len(TEAMS))]
    hired = [start - dt.timedelta(days=int(d)) for d in rng.integers(60, 3650, n)]
    skill = rng.choice(["junior", "senior", "expert"], n, p=[0.35, 0.45, 0.20])
    skill[is_leader] = "expert"
    agents = pl.DataFrame(
        {
            "agent_id": ids,
            "agent_name": names[:n],
            "team": [TEAMS[t] for t in team_idx],
            "team_leader_id": [
                None if lead else leader_ids[t] for t, lead in zip(team_idx, is_leader, strict=True)
            ],
            "role": np.where(is_leader, "team_leader", "agent"),
            "skill_level": skill,
            "hired_on": hired,
            "left_on": [None] * n,
        },
        schema_overrides={"left_on": pl.Date, "team_leader_id": pl.String},
    )
    staff = pl.DataFrame(
        {
            "agent_id": ["9001", "9002", "9003", "9004", "9901", "1191", "1192", "1193"],
            "agent_name": names[n:],
            "team": ["Quality", "Quality", "Quality", "Quality", "Management", "Team 2", "Team 5", "Team 7"],
            "team_leader_id": [None, None, None, None, None, leader_ids[1], leader_ids[4], leader_ids[6]],
            "role": ["qa", "qa", "qa", "qa", "manager", "agent", "agent", "agent"],
            "skill_level": [None, None, None, None, None, "junior", "junior", "senior"],
            "hired_on": [start - dt.timedelta(days=900 + 30 * i) for i in range(8)],
            # Three agents who left before the demo period: on the roster, no calls.
            "left_on": [None] * 5 + [start - dt.timedelta(days=d) for d in (20, 45, 80)],
        },
        schema_overrides={"left_on": pl.Date, "team_leader_id": pl.String, "skill_level": pl.String},
    )
    return pl.concat([agents, staff])


def generate(
    config: DemoConfig,
    tz: str,
    progress=print,
    *,
    agents: pl.DataFrame | None = None,
    id_tag: str = "",
    qa_per_month: int = 7,
) -> dict[str, pl.DataFrame]:
    """All demo tables, timestamps as local naive datetimes. A block of a longer period (see
    `blocks`) gets the whole period's roster, an `id_tag` that keeps its ticket, survey and QA
    ids apart from other blocks', and its share of the month's QA sample."""
    rng = np.random.default_rng(config.seed)
    end = config.end_date(tz)
    dates = [end - dt.timedelta(days=config.days - 1 - i) for i in range(config.days)]
    epoch = dt.date(1970, 1, 1)
    day0 = np.array([(d - epoch).days * 86400 for d in dates], dtype=np.int64)
    off, makeup = _holidays()
    weekday_factor = np.array([1.18, 1.06, 1.0, 0.98, 1.02, 0.82, 0.76])
    factor = np.array([weekday_factor[d.weekday()] for d in dates])
    factor *= np.array([0.62 if d in off else (1.05 if d in makeup else 1.0) for d in dates])
    surge_day = -1
    if config.surge and config.surge_day is not None:
        surge_day = config.surge_day
    elif config.surge and config.days >= 7:
        surge_day = config.days * 2 // 3
    if surge_day >= 0:
        factor[surge_day] *= 3.6  # e.g. the day after a channel-line-up or billing system change
    factor *= rng.normal(1.0, 0.04, config.days)
    # Repeat calls add roughly a fifth on top of first contacts.
    first_contacts = rng.poisson(config.calls_per_day * factor / 1.27)

    # -- first contacts: when, who, why --------------------------------------------------------
    progress(f"  generating {first_contacts.sum():,} first contacts over {config.days} days")
    n = int(first_contacts.sum())
    day_idx = np.repeat(np.arange(config.days), first_contacts)
    profile = intraday_profile()
    quarter = rng.choice(96, n, p=profile)
    if surge_day >= 0:  # the surge lands in the morning, after the change is noticed
        surge_rows = day_idx == surge_day
        morning = np.roll(profile, -4) * np.where(np.arange(96) < 56, 1.6, 0.6)
        quarter[surge_rows] = rng.choice(96, surge_rows.sum(), p=morning / morning.sum())
    start = day0[day_idx] + quarter * QUARTER + rng.integers(0, QUARTER, n)
    caller = _phone_numbers(rng, n)
    district = rng.choice(len(DISTRICTS), n, p=DISTRICT_WEIGHTS / DISTRICT_WEIGHTS.sum())
    reason_names = list(REASONS)
    reason_p = np.array([REASONS[r][0] for r in reason_names])
    reason = rng.choice(len(reason_names), n, p=reason_p / reason_p.sum())

    # -- repeat calls: the same caller again within minutes (dropped line) or days ---------------
    starts, callers, districts, reasons = [start], [caller], [district], [reason]
    propensity = np.array([REASONS[r][1] for r in reason_names])
    parent_start, parent_caller, parent_district, parent_reason = start, caller, district, reason
    for generation in range(2):
        repeat = (rng.random(len(parent_start)) < 1.25 * propensity[parent_reason] / (1 + generation)) & (
            parent_caller != "anonymous"
        )
        m = int(repeat.sum())
        dropped = rng.random(m) < 0.12
        soon = parent_start[repeat] + 300 + rng.integers(60, 14 * 60, m)  # called back after a dropped line
        # Days later, at a time of day that follows the usual intraday curve.
        later_day = (parent_start[repeat] + np.exp(rng.normal(np.log(1.6 * 86400), 0.9, m))).astype(
            np.int64
        ) // 86400
        later = later_day * 86400 + rng.choice(96, m, p=profile) * QUARTER + rng.integers(0, QUARTER, m)
        later = np.maximum(later, parent_start[repeat] + 3600)
        r_start = np.where(dropped, soon, later)
        same_reason = rng.random(m) < 0.75
        r_reason = np.where(
            same_reason, parent_reason[repeat], rng.choice(len(reason_names), m, p=reason_p / reason_p.sum())
        )
        keep = r_start < day0[-1] + 86400
        parent_start, parent_caller = r_start[keep], parent_caller[repeat][keep]
        parent_district, parent_reason = parent_district[repeat][keep], r_reason[keep]
        starts.append(parent_start)
        callers.append(parent_caller)
        districts.append(parent_district)
        reasons.append(parent_reason)
    start = np.concatenate(starts)
    caller = np.concatenate(callers)
    district = np.concatenate(districts)
    reason = np.concatenate(reasons)
    order = np.argsort(start, kind="stable")
    start, caller, district, reason = start[order], caller[order], district[order], reason[order]
    n = len(start)
    progress(f"  {n:,} calls in all after repeat callers")

    # -- IVR self-service (~10 %) ----------------------------------------------------------------
    ivr_reason_idx = np.array([reason_names.index(r) for r in IVR_REASONS])
    is_ivr_candidate = np.isin(reason, ivr_reason_idx)
    is_ivr = np.where(is_ivr_candidate, rng.random(n) < 0.42, rng.random(n) < 0.035)
    ivr_seconds = rng.integers(15, 70, n)
    queued = np.where(is_ivr, np.nan, start + ivr_seconds).astype(float)

    # -- waiting: load per interval against staffing planned for a normal day --------------------
    interval = (start - day0[0]) // QUARTER
    counts = np.bincount(interval, minlength=config.days * 96 + 8)
    # Staff are rostered for the usual weekday curve, not for holidays or the surge.
    planned = config.calls_per_day * np.outer(
        np.append(weekday_factor[[d.weekday() for d in dates]], 1), profile
    )
    planned_per_interval = planned.ravel()[: len(counts)]
    rho = np.clip(0.76 * counts / np.maximum(planned_per_interval, 0.5), 0.05, 0.995)[interval]
    mean_wait = np.minimum(2.5 * rho / (1 - rho), 420)
    wait = np.where(rng.random(n) < 1 - rho, rng.uniform(0, 4, n), rng.exponential(mean_wait))
    patience = np.where(rng.random(n) < 0.03, rng.uniform(0.5, 9, n), rng.exponential(260, n))
    timeout = 300.0
    abandons = patience < np.minimum(wait, timeout)
    timed_out = ~abandons & (wait > timeout)
    other = rng.random(n)
    caller_exit = ~abandons & ~timed_out & (other < 0.008)
    callback = ~abandons & ~timed_out & (other > 0.995)
    queue_full = (rho > 0.99) & (other > 0.9) & (other <= 0.95)
    answered = ~(abandons | timed_out | caller_exit | callback | queue_full) & ~is_ivr
    leave_after = np.select(
        [abandons, timed_out, caller_exit | callback, queue_full],
        [patience, timeout, wait * rng.uniform(0.2, 0.9, n), 0.0],
        wait,
    )
    end_reason = np.select(
        [is_ivr, queue_full, timed_out, caller_exit, callback, abandons],
        ["caller_hangup", "queue_full", "queue_timeout", "caller_exit", "callback", "caller_hangup"],
        "",
    ).astype(object)
    answered_at = np.where(answered, queued + wait, np.nan)

    # -- handling: talk, hold, ACW -------------------------------------------------------------
    mean_talk = np.array([REASONS[r][2] for r in reason_names])[reason]
    talk = np.exp(rng.normal(np.log(mean_talk) - 0.18, 0.6))
    hold = np.where(rng.random(n) < 0.25, rng.integers(10, 150, n), 0)
    ended = np.where(
        answered,
        answered_at + talk + hold,
        np.where(is_ivr, start + ivr_seconds + rng.integers(20, 150, n), queued + leave_after),
    )
    acw = np.exp(rng.normal(np.log(22), 0.55, n))
    wrapup = np.where(answered & (rng.random(n) > 0.06), ended + acw, np.nan)
    end_reason[answered] = np.where(rng.random(answered.sum()) < 0.7, "caller_hangup", "agent_hangup")

    queue_names = np.array(QUEUES)
    category = np.array([CATEGORY.get(r, "general") for r in reason_names])[reason]
    queue = np.array([QUEUE_OF_CATEGORY.get(c, "general") for c in category], dtype=object)
    queue[is_ivr] = None

    agents = roster(rng, dates[0]) if agents is None else agents
    callers_df = agents.filter(pl.col("role").is_in(["agent", "team_leader"]) & pl.col("left_on").is_null())
    agent_ids = np.array(callers_df["agent_id"].to_list())
    # Some agents take many more calls than others (and breach the 6-hour phone cap on busy days).
    weight = rng.gamma(20, 1, len(agent_ids))
    weight[rng.choice(len(agent_ids), 6, replace=False)] *= 1.45
    # Shifts: early 07-15:30, middle 10-18:30, late 13:30-22, night 22-07 (8 agents).
    night = 8
    day_shift = (len(agent_ids) - night) // 3
    sizes = [len(agent_ids) - night - 2 * day_shift, day_shift, day_shift, night]
    shift_of = rng.permutation(np.repeat(np.arange(4), sizes))
    # Two consecutive days off a week, staggered across agents.
    first_off = np.arange(len(agent_ids)) % 7
    hour = ((np.nan_to_num(answered_at) - day0[0]) % 86400) / 3600
    shift_bounds = [(7, 15.5), (10, 18.5), (13.5, 22), (22, 31)]
    covering = np.stack(
        [((hour >= a) & (hour < b)) | ((hour + 24 >= a) & (hour + 24 < b)) for a, b in shift_bounds], axis=1
    ).astype(float) * np.bincount(shift_of, minlength=4)
    covering[covering.sum(axis=1) == 0] = [0, 0, 0, 1]
    shift_pick = (covering.cumsum(axis=1) / covering.sum(axis=1, keepdims=True) > rng.random((n, 1))).argmax(
        axis=1
    )
    agent = np.full(n, None, dtype=object)
    weekday_of_call = (
        (np.nan_to_num(answered_at) // 86400).astype(np.int64) + 3
    ) % 7  # 1970-01-01 was a Thursday
    for s in range(4):
        for wd in range(7):
            on_duty = (shift_of == s) & ((wd - first_off) % 7 >= 2)
            members = np.flatnonzero(on_duty)
            rows = answered & (shift_pick == s) & (weekday_of_call == wd)
            agent[rows] = agent_ids[
                rng.choice(members, rows.sum(), p=weight[members] / weight[members].sum())
            ]

    reason_code = np.array(reason_names, dtype=object)[reason]
    reason_code[~answered] = None
    call_date = (start // 86400).astype("datetime64[D]").astype(str)
    seq = np.arange(n)
    call_id = np.char.add(
        np.char.add("C", np.char.replace(call_date, "-", "")), np.char.zfill((seq % 10**7).astype(str), 7)
    ).astype(object)

    # -- transfers (~5 % of answered calls go on to a second queue) ----------------------------
    transfer = answered & (rng.random(n) < 0.055)
    t = np.flatnonzero(transfer)
    progress(f"  {answered.sum():,} answered, {transfer.sum():,} transferred, {is_ivr.sum():,} IVR-only")
    first_talk = talk[t] * rng.uniform(0.2, 0.5, len(t))
    seg1_end = answered_at[t] + first_talk
    seg2_queue = queue_names[
        (np.searchsorted(queue_names, queue[t].astype(str)) + rng.integers(1, 5, len(t))) % 5
    ]
    seg2_queued = seg1_end + rng.integers(2, 8, len(t))
    seg2_wait = rng.exponential(15, len(t))
    seg2_abandon = rng.random(len(t)) < 0.08
    seg2_answered = np.where(seg2_abandon, np.nan, seg2_queued + seg2_wait)
    seg2_talk = talk[t] * rng.uniform(0.5, 1.0, len(t))
    seg2_hold = np.where(rng.random(len(t)) < 0.3, rng.integers(10, 90, len(t)), 0)
    seg2_end = np.where(seg2_abandon, seg2_queued + seg2_wait, seg2_answered + seg2_talk + seg2_hold)
    seg2_wrap = np.where(~seg2_abandon & (rng.random(len(t)) > 0.06), seg2_end + acw[t], np.nan)
    seg2_agent = agent_ids[rng.choice(len(agent_ids), len(t), p=weight / weight.sum())].astype(object)
    seg2_agent[seg2_abandon] = None

    # The first segment ends at the transfer; its ACW is short.
    ended_seg1 = ended.copy()
    ended_seg1[t] = seg1_end
    wrap_seg1 = wrapup.copy()
    wrap_seg1[t] = np.where(np.isnan(wrapup[t]), np.nan, seg1_end + rng.uniform(2, 10, len(t)))
    hold_seg1 = hold.copy()
    hold_seg1[t] = np.minimum(hold[t], first_talk.astype(int) // 2)
    end_reason[t] = "transfer"

    segments = _frame(
        {
            "call_id": call_id,
            "segment": np.ones(n, dtype=np.int64),
            "caller_number": caller,
            "service_number": SERVICE_NUMBER,
            "district": np.array(DISTRICTS, dtype=object)[district],
            "queue": queue,
            "started_at": _local(start.astype(float)),
            "queued_at": _local(queued),
            "answered_at": _local(answered_at),
            "ended_at": _local(ended_seg1),
            "wrapup_ended_at": _local(wrap_seg1),
            "agent_id": agent,
            "hold_seconds": np.where(answered, hold_seg1, 0),
            "end_reason": end_reason,
            "reason_code": reason_code,
        },
        schema_overrides={"queue": pl.String, "agent_id": pl.String, "reason_code": pl.String},
    )
    second = _frame(
        {
            "call_id": call_id[t],
            "segment": np.full(len(t), 2, dtype=np.int64),
            "caller_number": caller[t],
            "service_number": SERVICE_NUMBER,
            "district": np.array(DISTRICTS, dtype=object)[district[t]],
            "queue": seg2_queue.astype(object),
            "started_at": _local(start[t].astype(float)),
            "queued_at": _local(seg2_queued.astype(float)),
            "answered_at": _local(seg2_answered),
            "ended_at": _local(seg2_end),
            "wrapup_ended_at": _local(seg2_wrap),
            "agent_id": seg2_agent,
            "hold_seconds": np.where(seg2_abandon, 0, seg2_hold),
            "end_reason": np.where(
                seg2_abandon,
                "caller_hangup",
                np.where(rng.random(len(t)) < 0.7, "caller_hangup", "agent_hangup"),
            ).astype(object),
            "reason_code": np.where(seg2_abandon, None, reason_code[t]),
        },
        schema_overrides={"queue": pl.String, "agent_id": pl.String, "reason_code": pl.String},
    )
    calls = pl.concat([segments, second]).sort("call_id", "segment")

    tables = _tickets_surveys_qa(rng, calls, agents, end, id_tag, qa_per_month)
    tables["agents"] = agents
    return tables


def _tickets_surveys_qa(
    rng: np.random.Generator,
    calls: pl.DataFrame,
    agents: pl.DataFrame,
    end: dt.date,
    id_tag: str = "",
    qa_per_month: int = 7,
) -> dict[str, pl.DataFrame]:
    export_end = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
    last = (
        calls.filter(pl.col("answered_at").is_not_null())
        .sort("segment")
        .group_by("call_id", maintain_order=True)
        .last()
    )
    category = last["reason_code"].replace_strict(CATEGORY, default="general")
    p_ticket = category.replace_strict(
        {"repair": 0.5, "complaint": 0.92, "installation": 0.95, "order": 0.85, "billing": 0.08},
        default=0.03, return_dtype=pl.Float64,
    ).to_numpy()  # fmt: skip
    has_ticket = rng.random(last.height) < p_ticket
    tk = last.filter(pl.Series(has_ticket)).with_columns(category=category.filter(pl.Series(has_ticket)))
    m = tk.height
    ticket_type = tk["category"].replace_strict(
        {"repair": "repair", "complaint": "complaint", "installation": "installation", "order": "order",
         "billing": "other"}, default="consultation",
    ).to_numpy()  # fmt: skip
    is_repair = ticket_type == "repair"
    major_p = np.where(tk["reason_code"].to_numpy() == "no_signal_area", 0.6, 0.08)
    severity = np.where(is_repair, np.where(rng.random(m) < major_p, "major", "general"), None)
    # Hours to resolve around each type's SLA target, with a tail of breaches.
    is_major = is_repair & (severity == "major")
    median_h = np.select(
        [
            is_major,
            is_repair,
            ticket_type == "complaint",
            ticket_type == "installation",
            ticket_type == "order",
        ],
        [40.0, 11.0, 20.0, 46.0, 6.0],
        5.0,
    )
    sigma = np.select([is_repair, ticket_type == "complaint"], [0.6, 0.6], 0.7)
    created = _plus(tk["ended_at"], rng.integers(20, 300, m))
    resolve_h = np.exp(rng.normal(np.log(median_h), sigma))
    resolved = _plus(created, (resolve_h * 3600).astype(np.int64))
    closed = _plus(resolved, rng.integers(1800, 12 * 3600, m))
    wants_callback = np.isin(ticket_type, ["repair", "installation"]) & (rng.random(m) < 0.85)
    callback = _plus(closed, rng.integers(2 * 3600, 36 * 3600, m))
    breached = resolve_h > np.where(is_major, 72, np.where(is_repair, 24, 72))
    cb_p = np.where(breached[:, None], [[0.55, 0.30, 0.15]], [[0.84, 0.06, 0.10]])
    cb_result = np.array(["satisfied", "unsatisfied", "unreachable"])[
        (cb_p.cumsum(axis=1) > rng.random((m, 1))).argmax(axis=1)
    ]
    amounts = np.array([30, 68, 98, 198, 298, 398, 598, 1200], dtype=float)
    reason_dept = pl.read_csv(settings.SEEDS_DIR / "call_reasons.csv").select(
        "reason_code", "department_code"
    )
    tickets = (
        pl.DataFrame(
            {
                "ticket_id": [
                    f"T{d:%Y%m%d}{id_tag}{i:06d}" for i, d in enumerate(created.dt.date().to_list(), 1)
                ],
                "ticket_type": ticket_type,
                "severity": severity.tolist(),
                "reason_code": tk["reason_code"],
                "district": tk["district"],
                "call_id": tk["call_id"],
                "caller_number": tk["caller_number"],
                "created_at": created,
                "resolved_at": resolved,
                "closed_at": closed,
                "callback_at": callback,
                "callback_result": cb_result,
                "order_amount": np.where(
                    ticket_type == "order", amounts[rng.integers(0, len(amounts), m)], np.nan
                ),
            },
            schema_overrides={"severity": pl.String},
        )
        .with_columns(
            pl.when(pl.Series(wants_callback)).then(pl.col("callback_at")).alias("callback_at"),
            pl.when(pl.Series(wants_callback)).then(pl.col("callback_result")).alias("callback_result"),
            pl.col("order_amount").fill_nan(None),
        )
        .join(reason_dept, on="reason_code", how="left")
        .rename({"department_code": "department"})
    )
    # Nothing can have happened after the export: later states are unknown yet.
    tickets = (
        tickets.filter(pl.col("created_at") < export_end)
        .with_columns(
            pl.when(pl.col(c) < export_end).then(pl.col(c)).alias(c)
            for c in ("resolved_at", "closed_at", "callback_at")
        )
        .with_columns(
            pl.when(pl.col("resolved_at").is_not_null()).then(pl.col("closed_at")).alias("closed_at"),
            pl.when(pl.col("callback_at").is_not_null())
            .then(pl.col("callback_result"))
            .alias("callback_result"),
        )
    )
    # The ticket id is on the segment that opened it (the last answered one).
    last_answered = pl.col("segment").filter(pl.col("answered_at").is_not_null()).max().over("call_id")
    calls = calls.join(tickets.select("call_id", "ticket_id"), on="call_id", how="left").with_columns(
        pl.when(pl.col("segment") == last_answered).then(pl.col("ticket_id")).alias("ticket_id")
    )

    # -- surveys: IVR after answered calls, SMS after closed tickets ----------------------------
    first_wait = calls.filter(pl.col("segment") == 1).select(
        "call_id", ((pl.col("answered_at") - pl.col("queued_at")).dt.total_seconds()).alias("wait")
    )
    repeat_callers = calls.filter(pl.col("segment") == 1).select(
        "call_id", (pl.col("caller_number").cum_count().over("caller_number") > 1).alias("is_repeat")
    )
    ivr = (
        last.join(first_wait, on="call_id")
        .join(repeat_callers, on="call_id")
        .filter(pl.Series(rng.random(last.height) < 0.62))
    )
    k = ivr.height
    ivr_respond = rng.random(k) < 0.38
    mood = np.where(ivr["is_repeat"].to_numpy(), 2, np.where(ivr["wait"].fill_null(0).to_numpy() > 60, 1, 0))
    score_p = np.array(
        [[0.03, 0.03, 0.06, 0.24, 0.64], [0.07, 0.07, 0.12, 0.28, 0.46], [0.10, 0.10, 0.15, 0.25, 0.40]]
    )
    csat = (score_p[mood].cumsum(axis=1) > rng.random((k, 1))).argmax(axis=1) + 1
    ivr_sent = _plus(ivr["ended_at"], 2)
    surveys_ivr = pl.DataFrame(
        {
            "call_id": ivr["call_id"],
            "ticket_id": pl.Series([None] * k, dtype=pl.String),
            "channel": "ivr",
            "sent_at": ivr_sent,
            "responded_at": _plus(ivr_sent, rng.integers(4, 25, k)).zip_with(
                pl.Series(ivr_respond), pl.Series([None] * k, dtype=pl.Datetime("us"))
            ),
            "csat_score": pl.Series(np.where(ivr_respond, csat, 0)).replace(0, None),
            "nps_score": pl.Series([None] * k, dtype=pl.Int64),
            "comment": pl.Series([None] * k, dtype=pl.String),
        }
    )
    closed_t = tickets.filter(
        pl.col("closed_at").is_not_null()
        & pl.col("ticket_type").is_in(["repair", "installation", "complaint"])
    )
    j = closed_t.height
    sms_respond = rng.random(j) < 0.16
    unhappy = (closed_t["callback_result"] == "unsatisfied").fill_null(False).to_numpy()
    csat_s = (score_p[np.where(unhappy, 2, 0)].cumsum(axis=1) > rng.random((j, 1))).argmax(axis=1) + 1
    nps = np.clip(np.round(csat_s * 2 + rng.normal(0, 1.2, j)), 0, 10).astype(int)
    phones = _phone_numbers(rng, j)
    comment = np.array(COMMENTS, dtype=object)[rng.integers(0, len(COMMENTS), j)]
    comment = np.array(
        [
            c.format(phone=p if p != "anonymous" else "13800000000")
            for c, p in zip(comment, phones, strict=True)
        ],
        dtype=object,
    )
    comment[~sms_respond | (rng.random(j) > 0.35)] = None
    sms_sent = _plus(closed_t["closed_at"], 3600)
    surveys_sms = pl.DataFrame(
        {
            "call_id": closed_t["call_id"],
            "ticket_id": closed_t["ticket_id"],
            "channel": "sms",
            "sent_at": sms_sent,
            "responded_at": _plus(sms_sent, rng.integers(60, 6 * 3600, j)).zip_with(
                pl.Series(sms_respond), pl.Series([None] * j, dtype=pl.Datetime("us"))
            ),
            "csat_score": pl.Series(np.where(sms_respond, csat_s, 0)).replace(0, None),
            "nps_score": pl.Series(np.where(sms_respond, nps, -1)).replace(-1, None),
            "comment": comment.tolist(),
        },
        schema_overrides={"comment": pl.String},
    )
    surveys = (
        pl.concat([surveys_ivr, surveys_sms], how="vertical_relaxed")
        .filter(pl.col("sent_at") < export_end)
        .with_columns(pl.col("responded_at").cast(pl.Datetime("us")))
        .with_columns(
            pl.when(pl.col("responded_at") < export_end).then(pl.col("responded_at")).alias("responded_at")
        )
        .with_columns(
            pl.when(pl.col("responded_at").is_not_null()).then(pl.col(c)).alias(c)
            for c in ("csat_score", "nps_score", "comment")
        )
        .sort("sent_at")
    )
    surveys = surveys.with_columns(
        pl.format(
            "S{}{}{}",
            pl.col("sent_at").dt.strftime("%Y%m%d"),
            pl.lit(id_tag),
            pl.int_range(1, surveys.height + 1).cast(pl.String).str.zfill(7),
        ).alias("survey_id")
    ).select(
        "survey_id",
        "call_id",
        "ticket_id",
        "channel",
        "sent_at",
        "responded_at",
        "csat_score",
        "nps_score",
        "comment",
    )

    # -- QA: 7 answered calls per agent per month, scored a few days later ---------------------
    answered_segments = calls.filter(pl.col("answered_at").is_not_null()).with_columns(
        month=pl.col("answered_at").dt.truncate("1mo"),
        _r=pl.Series(rng.random(calls.filter(pl.col("answered_at").is_not_null()).height)),
    )
    sample = answered_segments.filter(pl.col("_r").rank("ordinal").over("agent_id", "month") <= qa_per_month)
    q = sample.height
    evaluators = np.array(["9001", "9002", "9003", "9004"])
    fatal = rng.random(q) < 0.015
    qa = pl.DataFrame(
        {
            "evaluation_id": [f"QA{id_tag}{i:07d}" for i in range(1, q + 1)],
            "call_id": sample["call_id"],
            "agent_id": sample["agent_id"],
            "evaluator_id": evaluators[rng.integers(0, 4, q)],
            "evaluated_at": _plus(sample["ended_at"], rng.integers(86400, 5 * 86400, q)),
            "score": np.round(np.clip(rng.normal(87, 6.5, q), 40, 100) * 2) / 2,
            "is_fatal": fatal,
        }
    ).filter(pl.col("evaluated_at") < export_end)
    return {"tickets": tickets, "surveys": surveys, "qa": qa, "calls": calls}


# -- writing landing files --------------------------------------------------------------------

ZH_CALLS = {
    "call_id": "呼叫编号", "segment": "段序号", "caller_number": "主叫号码", "service_number": "被叫号码",
    "district": "区域", "queue": "技能组", "started_at": "呼入时间", "queued_at": "排队时间",
    "answered_at": "应答时间", "ended_at": "挂机时间", "wrapup_ended_at": "话后结束时间",
    "agent_id": "坐席工号", "hold_seconds": "保持时长", "end_reason": "结束原因",
    "reason_code": "来电原因", "ticket_id": "工单编号",
}  # fmt: skip
ZH_TICKETS = {
    "ticket_id": "工单编号", "ticket_type": "工单类型", "severity": "紧急程度", "reason_code": "故障原因",
    "district": "区域", "call_id": "呼叫编号", "caller_number": "联系电话", "created_at": "建单时间",
    "resolved_at": "处理完成时间", "closed_at": "销单时间", "callback_at": "回访时间",
    "callback_result": "回访结果", "department": "处理部门", "order_amount": "订购金额",
}  # fmt: skip
ZH_VALUES = {
    "end_reason": {"caller_hangup": "客户挂机", "agent_hangup": "坐席挂机", "transfer": "转接",
                   "queue_timeout": "排队超时", "caller_exit": "按键退出", "callback": "预约回呼",
                   "queue_full": "队列已满", "system": "系统结束"},
    "ticket_type": {"repair": "故障报修", "complaint": "投诉", "consultation": "咨询",
                    "installation": "装机", "order": "订购", "other": "其他"},
    "severity": {"general": "一般", "major": "重大"},
    "callback_result": {"satisfied": "满意", "unsatisfied": "不满意", "unreachable": "未联系上"},
}  # fmt: skip
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"


def _ticket_versions(tickets: pl.DataFrame) -> pl.DataFrame:
    """Daily ticket exports: each ticket as of the end of the day it was created, and again, in
    full, on the day of its last event. Loading them all exercises "newest state wins"."""
    created_day = pl.col("created_at").dt.date()
    events = ("resolved_at", "closed_at", "callback_at")
    as_of_creation = tickets.with_columns(
        *[pl.when(pl.col(c).dt.date() == created_day).then(pl.col(c)).alias(c) for c in events],
        export_date=created_day,
    ).with_columns(
        pl.when(pl.col("callback_at").is_not_null()).then(pl.col("callback_result")).alias("callback_result")
    )
    final_day = pl.max_horizontal(pl.col("created_at"), *[pl.col(c) for c in events]).dt.date()
    final = tickets.with_columns(export_date=final_day).filter(pl.col("export_date") > created_day)
    return pl.concat([as_of_creation, final]).sort("export_date", "created_at")


def _write(frame: pl.DataFrame, path: Path, file_format: str, encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if file_format == "parquet":
        frame.write_parquet(path)
    elif file_format == "xlsx":
        frame.write_excel(path, autofit=False, dtype_formats={pl.Datetime: "yyyy-mm-dd hh:mm:ss"})
    else:
        text = frame.write_csv(datetime_format=TIMESTAMP_FORMAT)
        path.write_bytes(text.encode(encoding))


def write_landing(
    tables: dict[str, pl.DataFrame], out: Path, file_format: str, layout: str, progress=print, tag: str = ""
) -> dict[str, int]:
    """Files per source and local day (QA per month, one roster), named demo_<source>_<period>
    (demo_<source>_<tag><period> for a block of a longer period: blocks never overwrite each
    other's files, e.g. the surveys of a block's last calls, sent on the next block's first day)."""
    written: dict[str, int] = {}
    calls = tables["calls"].with_columns(export_date=pl.col("started_at").dt.date())
    tickets = _ticket_versions(tables["tickets"])
    surveys = tables["surveys"].with_columns(export_date=pl.col("sent_at").dt.date())
    qa = tables["qa"].with_columns(export_date=pl.col("evaluated_at").dt.strftime("%Y-%m"))
    plan = [("calls", calls, "%Y-%m-%d"), ("tickets", tickets, "%Y-%m-%d"),
            ("surveys", surveys, "%Y-%m-%d"), ("qa", qa, None)]  # fmt: skip
    for source, frame, _ in plan:
        if source == "calls" and layout in ("queue_log", "cdr"):
            written["calls"] = _write_switch_files(tables["calls"], out / "calls", layout, progress)
            continue
        zh = layout == "zh" and source in ("calls", "tickets")
        ext, fmt, encoding = ("csv", "csv", "gb18030") if zh else (file_format, file_format, "utf-8")
        parts = frame.partition_by("export_date", as_dict=True, maintain_order=True)
        for i, ((period,), part) in enumerate(parts.items(), 1):
            part = part.drop("export_date")
            if zh:
                names = ZH_CALLS if source == "calls" else ZH_TICKETS
                part = (
                    part.with_columns(pl.col(c).replace(m) for c, m in ZH_VALUES.items() if c in part.columns)
                    .with_columns(pl.col("district").replace(DISTRICT_ZH))
                    .rename(names)
                )
            _write(part, out / source / f"demo_{source}_{tag}{period}.{ext}", fmt, encoding)
            written[source] = written.get(source, 0) + part.height
            if i % 30 == 0 or i == len(parts):
                progress(f"  wrote {source}: {i}/{len(parts)} files, {written[source]:,} rows")
    # Whatever the calls' layout, the agents' logins and pauses come as the switch logs them.
    events = writers.write_agent_events(
        tables["calls"], out / "calls" / "demo_pbx_agents", settings.center_timezone(), tag
    )
    progress(f"  wrote agent events: {events:,} queue_log lines in calls/demo_pbx_agents/")
    written["agent_events"] = events
    _write(tables["agents"], out / "agents" / f"demo_roster.{file_format}", file_format)
    # The demo center's mark: its callers may be keyed with the published demo secret.
    (out / settings.DEMO_MARKER).write_text(
        "Written by `python -m ingest.demo`: this landing folder is the demo center's.\n", encoding="utf-8"
    )
    written["agents"] = tables["agents"].height
    return written


def _write_switch_files(calls: pl.DataFrame, out: Path, layout: str, progress=print) -> int:
    """Calls as an Asterisk switch per district writes them: folders demo_pbx_<district>/."""
    tz = settings.center_timezone()
    lines = 0
    for (district,), part in calls.partition_by("district", as_dict=True, maintain_order=True).items():
        folder = out / f"demo_pbx_{district}"
        if layout == "queue_log":
            lines += writers.write_queue_log(part, folder, tz, district)
        else:
            lines += writers.write_master_csv(part, folder, district)
    kind = "queue_log" if layout == "queue_log" else "Master.csv"
    progress(f"  wrote calls as {kind}: {lines:,} lines in calls/demo_pbx_<district>/")
    return lines


def clean_demo_files(out: Path) -> int:
    """Remove earlier demo files (and only those: named demo_*) from the landing folder."""
    removed = 0
    for source in ("calls", "tickets", "surveys", "qa", "agents"):
        for path in (out / source).glob("demo_*"):
            if path.is_dir():  # demo_pbx_<district>/ folders of switch files
                removed += sum(1 for _ in path.iterdir())
                shutil.rmtree(path)
            else:
                path.unlink()
                removed += 1
    return removed


# The most calls one block holds in memory (about 1.2 GB at its peak); a longer or busier period
# is generated and written block by block, so 100M calls need no more memory than 1M.
BLOCK_CALLS = 1_000_000


@dataclass(frozen=True)
class Block:
    first: int  # index of its first day in the period
    days: int
    month_days: int  # days of its calendar month inside the period (for its share of the QA sample)


def blocks(config: DemoConfig, tz: str) -> list[Block]:
    """The period in blocks of whole days within one calendar month, each of at most BLOCK_CALLS
    calls; one block when the whole period fits. Switch exports are written in one piece (a call
    crossing a block's last midnight would be split between two switch files)."""
    if config.days * config.calls_per_day <= BLOCK_CALLS or config.layout in ("queue_log", "cdr"):
        return [Block(0, config.days, config.days)]
    end = config.end_date(tz)
    dates = [end - dt.timedelta(days=config.days - 1 - i) for i in range(config.days)]
    per_block = max(1, BLOCK_CALLS // config.calls_per_day)
    months: dict[tuple[int, int], list[int]] = {}
    for i, day in enumerate(dates):
        months.setdefault((day.year, day.month), []).append(i)
    return [
        Block(indexes[start], len(indexes[start : start + per_block]), len(indexes))
        for indexes in months.values()
        for start in range(0, len(indexes), per_block)
    ]


def generate_landing(config: DemoConfig, tz: str, out: Path, progress=print) -> dict[str, int]:
    """Generate and write the period block by block (see `blocks`); rows written per source."""
    parts = blocks(config, tz)
    if len(parts) == 1:
        return write_landing(generate(config, tz, progress), out, config.file_format, config.layout, progress)
    end = config.end_date(tz)
    first_day = end - dt.timedelta(days=config.days - 1)
    surge_at = config.days * 2 // 3 if config.surge and config.days >= 7 else -1
    people = roster(np.random.default_rng(config.seed), first_day)
    written: dict[str, int] = {}
    for number, block in enumerate(parts, 1):
        block_end = first_day + dt.timedelta(days=block.first + block.days - 1)
        progress(f"block {number}/{len(parts)}: {block.days} day(s) to {block_end}")
        piece = DemoConfig(
            days=block.days, calls_per_day=config.calls_per_day, end=block_end,
            seed=config.seed * 10_000 + number, file_format=config.file_format, layout=config.layout,
            surge=block.first <= surge_at < block.first + block.days, surge_day=surge_at - block.first,
        )  # fmt: skip
        tables = generate(
            piece, tz, lambda message: progress("  " + message), agents=people, id_tag=f"B{number:03d}",
            qa_per_month=max(1, round(7 * block.days / block.month_days)),
        )  # fmt: skip
        tag = f"b{number:03d}_"
        for source, rows in write_landing(
            tables, out, config.file_format, config.layout, progress, tag
        ).items():
            written[source] = rows if source == "agents" else written.get(source, 0) + rows
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest.demo", description="Generate a demo call center.")
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--calls-per-day", type=int, default=5000)
    parser.add_argument("--end", type=dt.date.fromisoformat, help="last day (default: yesterday)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--format", dest="file_format", choices=["csv", "parquet", "xlsx"], default="csv")
    parser.add_argument("--layout", choices=["canonical", "zh", "queue_log", "cdr"], default="canonical",
                        help="zh: calls and tickets with Chinese headers in GB18030 CSV; "
                             "queue_log / cdr: calls as an Asterisk switch writes them")  # fmt: skip
    parser.add_argument("--out", type=Path, help="landing folder (default: $LANDING_DIR)")
    parser.add_argument("--clean", action="store_true", help="first remove earlier demo_* files")
    args = parser.parse_args(argv)
    if args.days < 1 or args.calls_per_day < 1:
        parser.error("--days and --calls-per-day must be at least 1")
    out = args.out or settings.landing_dir()
    tz = settings.center_timezone()
    config = DemoConfig(args.days, args.calls_per_day, args.end, args.seed, args.file_format, args.layout)
    started = time.perf_counter()
    print(f"Generating {config.days} days ending {config.end_date(tz)} (seed {config.seed}) into {out}")
    if args.clean:
        removed = clean_demo_files(out)
        if removed:
            print(f"  removed {removed} earlier demo files")
    written = generate_landing(config, tz, out)
    print(
        f"Done in {time.perf_counter() - started:.1f} s: "
        + ", ".join(f"{n:,} {source} rows" for source, n in written.items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
