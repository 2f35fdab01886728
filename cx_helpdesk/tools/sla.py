"""The rules of an SLA clock, without the ORM.

A clock counts the working time a ticket uses towards one target (a first
response or a resolution). It keeps the working hours used before it last
(re)started (``consumed_hours``) and, while it runs, since when it runs. From
these the rules below give:

- the deadline and the warning deadline (:func:`plan`, with the working-time
  arithmetic of :mod:`.business_hours` passed in as a callable, so one
  calendar answers for many clocks at once);
- the status of a running clock (:func:`running_status`) and the next instant
  the escalation cron must look at it (:func:`next_check`);
- which escalation is due now (:func:`due_trigger`);
- the pause accounting (:func:`consume`) and the outcome of a clock that stops:
  reached (:func:`reached_status`), closed before any answer
  (:func:`unanswered_status`) or replaced by another policy
  (:func:`replaced_status`).

Instants are naive UTC :class:`datetime.datetime` objects, as Odoo stores
them; durations are working seconds, hours where a clock stores them.
"""

from dataclasses import dataclass
from datetime import datetime

# rounding slack of hours stored as floats: a target reached on its very
# deadline is met
TOLERANCE_HOURS = 1e-6


@dataclass(frozen=True)
class Clock:
    """A running clock, as :func:`plan` needs it."""

    started_at: datetime
    target_hours: float
    consumed_hours: float = 0.0
    warning_percent: int = 0
    warning_done: bool = False
    breach_done: bool = False


def remaining_seconds(target_hours, consumed_hours, percent=100):
    """Working seconds left until ``percent`` of the target is used (never
    negative: a target already used up is due at once)."""
    return max((target_hours * percent / 100 - consumed_hours) * 3600, 0.0)


def deadline_asks(clock):
    """The ``(start, working seconds)`` questions whose answers are the
    clock's deadline and, when it has a warning, its warning deadline."""
    asks = [(clock.started_at, remaining_seconds(clock.target_hours, clock.consumed_hours))]
    if clock.warning_percent:
        asks.append(
            (clock.started_at, remaining_seconds(clock.target_hours, clock.consumed_hours, clock.warning_percent))
        )
    return asks


def running_status(now, deadline, warning_deadline=None):
    """``breached`` once the deadline has come, ``at_risk`` once the warning
    deadline has, else ``running``."""
    if deadline <= now:
        return "breached"
    if warning_deadline and warning_deadline <= now:
        return "at_risk"
    return "running"


def next_check(deadline, warning_deadline=None, warning_done=False, breach_done=False):
    """The next threshold whose escalations have not run (a passed one is due
    at once), or None when nothing is left to escalate. A breach runs the
    warning's turn too: after it, no warning is due."""
    checks = []
    if warning_deadline and not warning_done and not breach_done:
        checks.append(warning_deadline)
    if deadline and not breach_done:
        checks.append(deadline)
    return min(checks) if checks else None


def plan(now, clocks, deadlines):
    """Deadline, warning deadline, status and next check of running clocks.

    :param clocks: list of :class:`Clock`
    :param deadlines: callable taking a list of ``(start, working seconds)``
        and returning the instants at which that working time has elapsed, in
        the same order (``WorkSchedule.add`` for each, or a team's batched
        version); called once for all the clocks
    :return: one dict per clock, in order: ``deadline``, ``warning_deadline``
        (None without a warning), ``status``, ``next_check_at``
    """
    asks = []
    for clock in clocks:
        asks.extend(deadline_asks(clock))
    answers = iter(deadlines(asks) if asks else [])
    result = []
    for clock in clocks:
        deadline = next(answers)
        warning = next(answers) if clock.warning_percent else None
        result.append(
            {
                "deadline": deadline,
                "warning_deadline": warning,
                "status": running_status(now, deadline, warning),
                "next_check_at": next_check(deadline, warning, clock.warning_done, clock.breach_done),
            }
        )
    return result


def due_trigger(now, deadline, warning_deadline=None, warning_done=False, breach_done=False):
    """The escalation due at ``now``: ``breach``, ``warning`` or None. A clock
    found past both thresholds at once runs its breach only."""
    if deadline and deadline <= now and not breach_done:
        return "breach"
    if warning_deadline and warning_deadline <= now and not warning_done:
        return "warning"
    return None


def consume(consumed_hours, elapsed_seconds):
    """The pause accounting: the hours used once ``elapsed_seconds`` of
    working time since the clock (re)started are folded in."""
    return consumed_hours + elapsed_seconds / 3600


def within_target(consumed_hours, target_hours):
    return consumed_hours <= target_hours + TOLERANCE_HOURS


def reached_status(consumed_hours, target_hours):
    """The outcome of a target reached after ``consumed_hours``."""
    return "met" if within_target(consumed_hours, target_hours) else "breached"


def overdue(status, consumed_hours, target_hours):
    """Whether a clock has used up its target time (or was already found
    breached)."""
    return status == "breached" or not within_target(consumed_hours, target_hours)


def unanswered_status(status, consumed_hours, target_hours):
    """A first-response clock stopped by the ticket's closing before any
    public answer: never met."""
    return "breached" if overdue(status, consumed_hours, target_hours) else "unanswered"


def replaced_status(status, consumed_hours, target_hours):
    """A clock whose policy stopped applying before its target was reached:
    ``breached`` if its time was already used up, else no outcome."""
    return "breached" if overdue(status, consumed_hours, target_hours) else "replaced"
