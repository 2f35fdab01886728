"""Working-time arithmetic for SLA clocks, without the ORM.

A :class:`WorkSchedule` is built once from the work intervals of a calendar
(attendances minus leaves, as ``resource.calendar._work_intervals_batch``
returns them) and then answers, for any number of tickets, in O(log n):

- :meth:`WorkSchedule.add`: the instant at which ``seconds`` of working time
  have elapsed after ``start`` (an SLA deadline);
- :meth:`WorkSchedule.between`: how much working time lies between two
  instants (time consumed by a running SLA clock).

Instants are naive UTC :class:`datetime.datetime` objects, as Odoo stores them.
:class:`AlwaysOpen` has the same interface for teams without a calendar
(SLA targets in calendar hours).
"""

import bisect
from datetime import datetime, timedelta

EPOCH = datetime(1970, 1, 1)


def _ts(value):
    return (value - EPOCH).total_seconds()


def _dt(seconds):
    return EPOCH + timedelta(seconds=seconds)


class OutOfHorizon(Exception):
    """The schedule does not reach far enough: build it over a longer period."""


class WorkSchedule:
    """Sorted, non-overlapping working intervals over ``[horizon_start, horizon_end)``."""

    def __init__(self, intervals, horizon_start, horizon_end):
        """:param intervals: iterable of ``(start, end)`` naive UTC datetimes;
        overlapping or touching intervals are merged, empty ones dropped.
        :param horizon_start, horizon_end: the period the intervals describe
        completely (outside it the schedule knows nothing).
        """
        merged = []
        for start, end in sorted((_ts(s), _ts(e)) for s, e in intervals):
            if end <= start:
                continue
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.horizon_start = _ts(horizon_start)
        self.horizon_end = _ts(horizon_end)
        self._starts = [s for s, _e in merged]
        self._ends = [e for _s, e in merged]
        # _cumulative[i]: working seconds before the start of interval i
        self._cumulative = [0.0]
        for start, end in merged:
            self._cumulative.append(self._cumulative[-1] + end - start)

    @property
    def total_seconds(self):
        return self._cumulative[-1]

    def _worked_before(self, instant):
        """Working seconds between the first interval and ``instant`` (a timestamp)."""
        index = bisect.bisect_right(self._starts, instant) - 1
        if index < 0:
            return 0.0
        return self._cumulative[index] + min(instant, self._ends[index]) - self._starts[index]

    def _check(self, instant):
        if not self.horizon_start <= instant <= self.horizon_end:
            raise OutOfHorizon(f"{_dt(instant)} is outside the schedule's horizon")

    def between(self, start, end):
        """Working seconds in ``[start, end)``; 0 when ``end <= start``."""
        start_ts, end_ts = _ts(start), _ts(end)
        if end_ts <= start_ts:
            return 0.0
        self._check(start_ts)
        self._check(end_ts)
        return self._worked_before(end_ts) - self._worked_before(start_ts)

    def add(self, start, seconds):
        """The first instant at which ``seconds`` of working time have elapsed
        since ``start``. With ``seconds == 0`` it is ``start`` itself, even
        outside working hours (a target of zero is due at once).

        :raises OutOfHorizon: the schedule ends before enough working time.
        """
        start_ts = _ts(start)
        self._check(start_ts)
        if seconds <= 0:
            return start
        target = self._worked_before(start_ts) + seconds
        # first interval whose cumulative end reaches the target
        index = bisect.bisect_left(self._cumulative, target, lo=1) - 1
        if index >= len(self._starts):
            raise OutOfHorizon(f"less than {seconds / 3600:.2f} working hours after {start} in the schedule")
        return _dt(self._starts[index] + target - self._cumulative[index])


class AlwaysOpen:
    """Calendar time: every second counts (teams without a working calendar)."""

    horizon_start = float("-inf")
    horizon_end = float("inf")

    def between(self, start, end):
        return max((end - start).total_seconds(), 0.0)

    def add(self, start, seconds):
        return start + timedelta(seconds=max(seconds, 0))
