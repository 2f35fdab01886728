"""The SLA working-time arithmetic, without a database."""

import unittest
from datetime import datetime, timedelta

from odoo.addons.cx_helpdesk.tools.business_hours import AlwaysOpen, OutOfHorizon, WorkSchedule

HOUR = 3600


def week_schedule(start=datetime(2026, 1, 5), weeks=2, holidays=()):
    """Monday-Friday 09:00-17:00, minus whole-day holidays."""
    intervals = []
    for offset in range(weeks * 7):
        day = start + timedelta(days=offset)
        if day.weekday() < 5 and day.date() not in holidays:
            intervals.append((day.replace(hour=9), day.replace(hour=17)))
    return WorkSchedule(intervals, start, start + timedelta(days=weeks * 7))


class TestWorkSchedule(unittest.TestCase):
    def test_add_within_the_day(self):
        schedule = week_schedule()
        self.assertEqual(schedule.add(datetime(2026, 1, 5, 10), 2 * HOUR), datetime(2026, 1, 5, 12))

    def test_add_spills_to_the_next_day(self):
        schedule = week_schedule()
        self.assertEqual(schedule.add(datetime(2026, 1, 5, 16), 2 * HOUR), datetime(2026, 1, 6, 10))

    def test_add_outside_hours_starts_at_the_next_opening(self):
        schedule = week_schedule()
        self.assertEqual(schedule.add(datetime(2026, 1, 5, 20), 1 * HOUR), datetime(2026, 1, 6, 10))

    def test_add_skips_the_weekend(self):
        schedule = week_schedule()
        # Friday 16:00 + 4 h = Monday 12:00
        self.assertEqual(schedule.add(datetime(2026, 1, 9, 16), 4 * HOUR), datetime(2026, 1, 12, 12))

    def test_add_skips_holidays(self):
        schedule = week_schedule(holidays={datetime(2026, 1, 6).date()})
        # Monday 16:00 + 2 h, Tuesday off: Wednesday 10:00
        self.assertEqual(schedule.add(datetime(2026, 1, 5, 16), 2 * HOUR), datetime(2026, 1, 7, 10))

    def test_add_lands_exactly_on_closing_time(self):
        schedule = week_schedule()
        self.assertEqual(schedule.add(datetime(2026, 1, 5, 9), 8 * HOUR), datetime(2026, 1, 5, 17))

    def test_add_zero_is_due_at_once(self):
        schedule = week_schedule()
        start = datetime(2026, 1, 5, 20)
        self.assertEqual(schedule.add(start, 0), start)

    def test_add_beyond_the_horizon_raises(self):
        schedule = week_schedule(weeks=1)
        with self.assertRaises(OutOfHorizon):
            schedule.add(datetime(2026, 1, 5, 9), 41 * HOUR)

    def test_between_counts_only_working_time(self):
        schedule = week_schedule()
        # Friday 15:00 to Monday 11:00: 2 h + 2 h
        self.assertEqual(schedule.between(datetime(2026, 1, 9, 15), datetime(2026, 1, 12, 11)), 4 * HOUR)
        self.assertEqual(schedule.between(datetime(2026, 1, 10, 8), datetime(2026, 1, 11, 20)), 0)
        self.assertEqual(schedule.between(datetime(2026, 1, 12, 11), datetime(2026, 1, 9, 15)), 0)

    def test_add_and_between_agree(self):
        schedule = week_schedule()
        start = datetime(2026, 1, 7, 13, 17)
        for seconds in (1, 600, 5 * HOUR, 13 * HOUR + 59, 40 * HOUR):
            deadline = schedule.add(start, seconds)
            self.assertAlmostEqual(schedule.between(start, deadline), seconds, places=3)

    def test_overlapping_intervals_are_merged(self):
        day = datetime(2026, 1, 5)
        schedule = WorkSchedule(
            [(day.replace(hour=9), day.replace(hour=12)), (day.replace(hour=11), day.replace(hour=14))],
            day,
            day + timedelta(days=1),
        )
        self.assertEqual(schedule.total_seconds, 5 * HOUR)


class TestAlwaysOpen(unittest.TestCase):
    def test_calendar_hours(self):
        schedule = AlwaysOpen()
        start = datetime(2026, 1, 9, 16)
        self.assertEqual(schedule.add(start, 10 * HOUR), datetime(2026, 1, 10, 2))
        self.assertEqual(schedule.between(start, datetime(2026, 1, 10, 2)), 10 * HOUR)
