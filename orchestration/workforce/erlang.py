"""Queueing formulas a call center staffs with, and the staffing search over them.

Traffic A (Erlangs) = calls × AHT ÷ interval length. Three models:

- **Erlang B** (M/M/N/N): no queue; a call that finds every line busy is lost.
- **Erlang C** (M/M/N): callers wait as long as it takes. P(wait), service level within T,
  ASA and occupancy in closed form.
- **Erlang A** (M/M/N+M): callers abandon after an exponential patience (mean `patience`); the
  metrics come from the birth–death chain's stationary distribution, the service level from the
  tagged caller's race between reaching an agent and giving up (uniformisation). With 7 %
  abandonment a center is not an Erlang C queue: Erlang A staffs it with fewer agents.

Staffing to roster: the smallest N meeting the target (service level X % in T s, or an ASA, or a
probability of wait), then the occupancy cap (raise N until A ÷ N ≤ cap), then shrinkage
(headcount = ⌈N ÷ (1 − shrinkage)⌉). Checked against the published cases in
tests/fixtures/erlang (tests/orchestration/test_erlang.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# Past this many agents above the traffic every target is met; a search that gets there has an
# impossible target (a service level of 1 with a positive answer time cannot be reached exactly).
_SEARCH_MARGIN = 10_000


class ImpossibleTarget(ValueError):
    """No number of agents meets the target (say, a service level of 100 % in 0 s)."""


def traffic_erlangs(calls: float, aht_seconds: float, interval_seconds: float) -> float:
    return calls * aht_seconds / interval_seconds


def erlang_b(traffic: float, lines: int) -> float:
    """Blocking probability of `lines` servers with no queue, by the stable recursion
    B(k) = A·B(k−1) ÷ (k + A·B(k−1)), B(0) = 1."""
    blocking = 1.0
    for k in range(1, lines + 1):
        blocking = traffic * blocking / (k + traffic * blocking)
    return blocking


def lines_for_blocking(traffic: float, max_blocking: float) -> int:
    """Smallest number of lines whose Erlang B blocking is at most max_blocking."""
    if traffic <= 0:
        return 0
    blocking, lines = 1.0, 0
    while blocking > max_blocking:
        lines += 1
        blocking = traffic * blocking / (lines + traffic * blocking)
    return lines


def wait_probability(traffic: float, agents: int) -> float:
    """Erlang C: the probability that a call waits (1 when the agents cannot carry the traffic)."""
    if agents <= traffic:
        return 1.0
    blocking = erlang_b(traffic, agents)
    return agents * blocking / (agents - traffic * (1 - blocking))


def service_level(traffic: float, agents: int, aht_seconds: float, target_seconds: float) -> float:
    """Erlang C: share of calls answered within target_seconds."""
    if traffic <= 0:
        return 1.0
    if agents <= traffic:
        return 0.0
    return 1 - wait_probability(traffic, agents) * math.exp(
        -(agents - traffic) * target_seconds / aht_seconds
    )


def average_speed_of_answer(traffic: float, agents: int, aht_seconds: float) -> float:
    """Erlang C: mean wait over all calls, seconds (infinite when the queue grows without end)."""
    if traffic <= 0:
        return 0.0
    if agents <= traffic:
        return math.inf
    return wait_probability(traffic, agents) * aht_seconds / (agents - traffic)


def occupancy(traffic: float, agents: int) -> float:
    """Share of the agents' time spent on calls: traffic carried ÷ agents (Erlang C carries it all)."""
    return traffic / agents if agents else 0.0


def with_shrinkage(agents: int, shrinkage: float) -> int:
    """Staff to schedule so that `agents` are on the phones after breaks, training, absence."""
    if not 0 <= shrinkage < 1:
        raise ValueError(f"shrinkage must be at least 0 and below 1, got {shrinkage}")
    # The small tolerance keeps 7 ÷ 0.7 = 10.000000000000002 at 10 headcount.
    return math.ceil(agents / (1 - shrinkage) - 1e-9)


def agents_for_asa(traffic: float, aht_seconds: float, max_asa_seconds: float) -> int:
    """Smallest number of agents whose Erlang C average speed of answer is at most max_asa_seconds."""
    agents = math.floor(traffic) + 1
    while average_speed_of_answer(traffic, agents, aht_seconds) > max_asa_seconds:
        agents += 1
    return agents


# Erlang A ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErlangA:
    """M/M/N+M for `calls` per `interval_seconds`, handle time `aht_seconds`, mean patience
    `patience_seconds`. Rates per second."""

    calls: float
    interval_seconds: float
    aht_seconds: float
    patience_seconds: float

    @property
    def arrival_rate(self) -> float:
        return self.calls / self.interval_seconds

    @property
    def traffic(self) -> float:
        return traffic_erlangs(self.calls, self.aht_seconds, self.interval_seconds)

    def distribution(self, agents: int) -> np.ndarray:
        """Stationary probabilities of n callers in the system, n = 0, 1, …, truncated where the
        tail is below 1e-15 of the mass (abandonment keeps every load stable)."""
        lam, mu, theta = self.arrival_rate, 1 / self.aht_seconds, 1 / self.patience_seconds
        terms, total, n = [1.0], 1.0, 0
        while True:
            n += 1
            term = terms[-1] * lam / (min(n, agents) * mu + max(n - agents, 0) * theta)
            terms.append(term)
            total += term
            if n > agents and term < 1e-15 * total:
                break
            if term > 1e250:  # heavy traffic: rescale before the floats overflow
                terms = [t / 1e250 for t in terms]
                total /= 1e250
        probs = np.array(terms)
        return probs / probs.sum()

    def figures(self, agents: int, target_seconds: float | None = None) -> dict[str, float]:
        """P(wait), P(abandon), occupancy, ASA (s, over all callers), service level in target_seconds
        (answered within the target ÷ all callers, abandoned callers count as not answered)."""
        if self.calls <= 0:
            return {"p_wait": 0.0, "p_abandon": 0.0, "occupancy": 0.0, "asa_seconds": 0.0,
                    "service_level": None if target_seconds is None else 1.0}  # fmt: skip
        probs = self.distribution(agents)
        queued = probs[agents:]
        ahead = np.arange(len(queued))
        queue_length = float((ahead * queued).sum())
        lam, theta = self.arrival_rate, 1 / self.patience_seconds
        p_abandon = theta * queue_length / lam
        figures = {
            "p_wait": float(queued.sum()),
            "p_abandon": p_abandon,
            "occupancy": lam * (1 - p_abandon) * self.aht_seconds / agents,
            "asa_seconds": queue_length / lam,  # Little's law on the queue
        }
        figures["service_level"] = None
        if target_seconds is not None:
            served = self._served_within(agents, len(queued), target_seconds)
            figures["service_level"] = min(1.0, float(probs[:agents].sum() + (queued * served).sum()))
        return figures

    def _served_within(self, agents: int, positions: int, seconds: float) -> np.ndarray:
        """P(a caller who arrives with j callers queued ahead reaches an agent within `seconds`),
        j = 0 … positions − 1. The caller moves up at rate Nμ + jθ (an agent frees, or one of the j
        ahead abandons), reaches an agent from the head at rate Nμ, and gives up at rate θ:
        an absorbing chain solved by uniformisation, every start at once."""
        mu, theta = 1 / self.aht_seconds, 1 / self.patience_seconds
        if seconds <= 0:
            return np.zeros(positions)
        j = np.arange(positions)
        advance = agents * mu + j * theta
        rate = float(advance.max() + theta)
        stay = 1 - (advance + theta) / rate
        move = advance / rate
        # dist[s, k]: probability that the caller who started at s is at position k (not absorbed).
        dist = np.eye(positions)
        served = np.zeros(positions)
        expected = rate * seconds
        steps = int(expected + 10 * math.sqrt(expected) + 50)
        log_weight = -expected  # log of the Poisson weight of k jumps
        answered_by = np.zeros(positions)
        for k in range(1, steps + 1):
            served = served + dist[:, 0] * move[0]
            moved = dist * stay
            moved[:, :-1] += dist[:, 1:] * move[1:]
            dist = moved
            log_weight += math.log(expected / k)
            answered_by += math.exp(log_weight) * served
        # Mass of k = 0 jumps adds nothing (nobody is answered without a jump); the tail beyond
        # `steps` carries the final served mass.
        tail = 1 - _poisson_cdf(steps, expected)
        return answered_by + tail * served


def _poisson_cdf(k: int, mean: float) -> float:
    log_term, total = -mean, math.exp(-mean)
    for i in range(1, k + 1):
        log_term += math.log(mean / i)
        total += math.exp(log_term)
    return min(total, 1.0)


# Staffing ----------------------------------------------------------------------------------------


def setting_seconds(value) -> float | None:
    """A dbt var of seconds as a model's config hands it over: None, '' or 'None' mean unset."""
    if value is None or str(value).strip().lower() in ("", "none", "null"):
        return None
    return float(value)


@dataclass(frozen=True)
class Target:
    """What the interval must achieve: exactly one of service level (with answer_seconds),
    maximum ASA, or maximum probability of wait."""

    service_level: float | None = None
    answer_seconds: float | None = None
    max_asa_seconds: float | None = None
    max_wait_probability: float | None = None

    def __post_init__(self) -> None:
        chosen = [
            self.service_level is not None,
            self.max_asa_seconds is not None,
            self.max_wait_probability is not None,
        ]
        if sum(chosen) != 1:
            raise ValueError(
                "give one target: a service level, a maximum ASA or a maximum probability of wait"
            )
        if self.service_level is not None:
            if self.answer_seconds is None or self.answer_seconds < 0:
                raise ValueError("a service-level target needs the answer time in seconds (0 or more)")
            # Some calls always wait under Erlang C and A: no number of agents answers all of them.
            if not 0 < self.service_level < 1:
                raise ValueError(f"the service level must be above 0 and below 1, got {self.service_level}")
        if self.max_wait_probability is not None and not 0 < self.max_wait_probability <= 1:
            raise ValueError(
                f"the probability of wait must be above 0 and at most 1, got {self.max_wait_probability}"
            )
        if self.max_asa_seconds is not None and self.max_asa_seconds <= 0:
            raise ValueError(f"the maximum ASA must be above 0 seconds, got {self.max_asa_seconds}")


@dataclass(frozen=True)
class Staffing:
    """One interval's answer: agents on the phones, headcount to roster and what they achieve."""

    calls: float
    traffic: float
    agents: int
    headcount: int
    p_wait: float
    service_level: float | None
    asa_seconds: float
    occupancy: float
    p_abandon: float | None = None


def figures(
    calls: float,
    interval_seconds: float,
    aht_seconds: float,
    agents: int,
    answer_seconds: float | None,
    patience_seconds: float | None = None,
) -> dict[str, float | None]:
    """P(wait), service level, ASA, occupancy (and P(abandon) under Erlang A) of `agents` agents."""
    if patience_seconds:
        return ErlangA(calls, interval_seconds, aht_seconds, patience_seconds).figures(agents, answer_seconds)
    traffic = traffic_erlangs(calls, aht_seconds, interval_seconds)
    return {
        "p_wait": wait_probability(traffic, agents) if traffic > 0 else 0.0,
        "service_level": None
        if answer_seconds is None
        else service_level(traffic, agents, aht_seconds, answer_seconds),
        "asa_seconds": average_speed_of_answer(traffic, agents, aht_seconds),
        "occupancy": occupancy(traffic, agents),
        "p_abandon": None,
    }


def _meets(found: dict, target: Target, max_occupancy: float | None) -> bool:
    if max_occupancy is not None and found["occupancy"] > max_occupancy + 1e-12:
        return False
    if target.service_level is not None:
        return found["service_level"] >= target.service_level - 1e-12
    if target.max_asa_seconds is not None:
        return found["asa_seconds"] <= target.max_asa_seconds + 1e-9
    return found["p_wait"] <= target.max_wait_probability + 1e-12


def staff(
    calls: float,
    interval_seconds: float,
    aht_seconds: float,
    target: Target,
    max_occupancy: float | None = None,
    shrinkage: float = 0.0,
    patience_seconds: float | None = None,
) -> Staffing:
    """Agents for the target, then the occupancy cap, then shrinkage. Zero calls need zero agents.
    Erlang C (patience_seconds None) searches up from just above the traffic (fewer agents cannot
    carry it); Erlang A, where abandonment keeps any load finite, from Erlang C's answer down, then up."""
    if calls < 0 or aht_seconds <= 0 or interval_seconds <= 0:
        raise ValueError("calls must be 0 or more, handle time and interval above 0")
    if max_occupancy is not None and not 0 < max_occupancy <= 1:
        raise ValueError(f"the occupancy cap must be above 0 and at most 1, got {max_occupancy}")
    if patience_seconds is not None and patience_seconds <= 0:
        raise ValueError(f"the mean patience must be above 0 seconds, got {patience_seconds}")
    answer = target.answer_seconds if target.service_level is not None else None
    traffic = traffic_erlangs(calls, aht_seconds, interval_seconds)
    if calls == 0:
        return Staffing(calls, 0.0, 0, 0, 0.0, 1.0 if answer is not None else None, 0.0, 0.0,
                        0.0 if patience_seconds else None)  # fmt: skip
    agents = math.floor(traffic) + 1
    if patience_seconds:
        # Erlang A's figures cost far more than Erlang C's, and its answer is near Erlang C's:
        # start there and walk down while the target is still met (the figures are monotone in N).
        agents = staff(calls, interval_seconds, aht_seconds, target, max_occupancy).agents
        while agents > 1 and _meets(
            figures(calls, interval_seconds, aht_seconds, agents - 1, answer, patience_seconds),
            target,
            max_occupancy,
        ):
            agents -= 1
    while True:
        found = figures(calls, interval_seconds, aht_seconds, agents, answer, patience_seconds)
        if _meets(found, target, max_occupancy):
            break
        agents += 1
        if agents > traffic + _SEARCH_MARGIN:
            raise ImpossibleTarget(
                f"no number of agents up to {agents - 1} meets the target "
                f"({_describe(target, max_occupancy)}) for {calls:g} calls"
            )
    return Staffing(
        calls=calls,
        traffic=traffic,
        agents=agents,
        headcount=with_shrinkage(agents, shrinkage),
        p_wait=found["p_wait"],
        service_level=found["service_level"],
        asa_seconds=found["asa_seconds"],
        occupancy=found["occupancy"],
        p_abandon=found["p_abandon"],
    )


def _describe(target: Target, max_occupancy: float | None) -> str:
    if target.service_level is not None:
        text = f"{target.service_level:.0%} answered in {target.answer_seconds:g} s"
    elif target.max_asa_seconds is not None:
        text = f"ASA at most {target.max_asa_seconds:g} s"
    else:
        text = f"probability of wait at most {target.max_wait_probability:g}"
    return text + (f", occupancy at most {max_occupancy:.0%}" if max_occupancy is not None else "")
