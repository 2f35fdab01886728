"""The SLA rules, without a database."""

import unittest
from datetime import datetime, timedelta

from odoo.addons.cx_helpdesk.tools import sla
from odoo.addons.cx_helpdesk.tools.business_hours import AlwaysOpen, WorkSchedule

HOUR = 3600
MONDAY = datetime(2026, 1, 5)


def office_hours(schedule):
    """A batched deadline function over one schedule, as a team gives it."""
    return lambda asks: [schedule.add(start, seconds) for start, seconds in asks]


def week_schedule():
    """Monday-Friday 09:00-17:00 over two weeks."""
    intervals = []
    for offset in range(14):
        day = MONDAY + timedelta(days=offset)
        if day.weekday() < 5:
            intervals.append((day.replace(hour=9), day.replace(hour=17)))
    return WorkSchedule(intervals, MONDAY, MONDAY + timedelta(days=14))


class TestSlaPlan(unittest.TestCase):
    def test_deadline_and_warning_in_calendar_time(self):
        start = MONDAY.replace(hour=10)
        [plan] = sla.plan(start, [sla.Clock(start, target_hours=4, warning_percent=75)], office_hours(AlwaysOpen()))
        self.assertEqual(plan["deadline"], start + timedelta(hours=4))
        self.assertEqual(plan["warning_deadline"], start + timedelta(hours=3))
        self.assertEqual(plan["status"], "running")
        self.assertEqual(plan["next_check_at"], plan["warning_deadline"])

    def test_deadline_counts_working_hours_only(self):
        start = MONDAY.replace(hour=16)
        [plan] = sla.plan(start, [sla.Clock(start, target_hours=2)], office_hours(week_schedule()))
        self.assertEqual(plan["deadline"], MONDAY.replace(day=6, hour=10))
        self.assertIsNone(plan["warning_deadline"])
        self.assertEqual(plan["next_check_at"], plan["deadline"])

    def test_time_already_used_brings_the_deadline_closer(self):
        start = MONDAY.replace(hour=10)
        [plan] = sla.plan(start, [sla.Clock(start, 4, consumed_hours=3)], office_hours(AlwaysOpen()))
        self.assertEqual(plan["deadline"], start + timedelta(hours=1))

    def test_target_used_up_is_breached_at_once(self):
        start = MONDAY.replace(hour=10)
        [plan] = sla.plan(start, [sla.Clock(start, 4, consumed_hours=5, warning_percent=80)], office_hours(AlwaysOpen()))
        self.assertEqual(plan["deadline"], start)
        self.assertEqual(plan["status"], "breached")

    def test_warning_passed_is_at_risk(self):
        start = MONDAY.replace(hour=10)
        [plan] = sla.plan(start, [sla.Clock(start, 4, consumed_hours=3.5, warning_percent=80)], office_hours(AlwaysOpen()))
        self.assertEqual(plan["status"], "at_risk")
        self.assertEqual(plan["next_check_at"], start, "a passed warning not escalated yet is due at once")

    def test_many_clocks_ask_the_calendar_once(self):
        calls = []

        def deadlines(asks):
            calls.append(len(asks))
            return [start + timedelta(seconds=seconds) for start, seconds in asks]

        start = MONDAY
        plans = sla.plan(start, [sla.Clock(start, 1, warning_percent=50), sla.Clock(start, 2)], deadlines)
        self.assertEqual(calls, [3])
        self.assertEqual([p["deadline"] for p in plans], [start + timedelta(hours=1), start + timedelta(hours=2)])
        self.assertEqual(plans[0]["warning_deadline"], start + timedelta(minutes=30))
        self.assertEqual(sla.plan(start, [], deadlines), [])
        self.assertEqual(calls, [3], "no clock, no question")

    def test_escalated_thresholds_are_not_checked_again(self):
        start = MONDAY
        clock = sla.Clock(start, 4, warning_percent=50, warning_done=True)
        [plan] = sla.plan(start, [clock], office_hours(AlwaysOpen()))
        self.assertEqual(plan["next_check_at"], start + timedelta(hours=4))
        clock = sla.Clock(start, 4, warning_percent=50, warning_done=True, breach_done=True)
        [plan] = sla.plan(start, [clock], office_hours(AlwaysOpen()))
        self.assertIsNone(plan["next_check_at"])


class TestSlaThresholds(unittest.TestCase):
    deadline = MONDAY.replace(hour=12)
    warning = MONDAY.replace(hour=11)

    def test_running_status(self):
        self.assertEqual(sla.running_status(MONDAY.replace(hour=10), self.deadline, self.warning), "running")
        self.assertEqual(sla.running_status(self.warning, self.deadline, self.warning), "at_risk")
        self.assertEqual(sla.running_status(self.deadline, self.deadline, self.warning), "breached")
        self.assertEqual(sla.running_status(self.warning, self.deadline), "running")

    def test_next_check(self):
        self.assertEqual(sla.next_check(self.deadline, self.warning), self.warning)
        self.assertEqual(sla.next_check(self.deadline, self.warning, warning_done=True), self.deadline)
        self.assertIsNone(sla.next_check(self.deadline, self.warning, breach_done=True))
        self.assertIsNone(sla.next_check(None, None))

    def test_due_trigger(self):
        self.assertIsNone(sla.due_trigger(MONDAY.replace(hour=10), self.deadline, self.warning))
        self.assertEqual(sla.due_trigger(self.warning, self.deadline, self.warning), "warning")
        self.assertIsNone(sla.due_trigger(self.warning, self.deadline, self.warning, warning_done=True))
        self.assertEqual(sla.due_trigger(self.deadline, self.deadline, self.warning), "breach", "the breach only")
        self.assertIsNone(sla.due_trigger(self.deadline, self.deadline, self.warning, True, True))
        self.assertIsNone(sla.due_trigger(self.deadline, None, None), "a paused clock has no deadline")


class TestSlaOutcomes(unittest.TestCase):
    def test_pause_accounting(self):
        self.assertEqual(sla.consume(1.5, 1800), 2.0)
        self.assertEqual(sla.consume(0.0, 0), 0.0)

    def test_reached_on_the_deadline_is_met(self):
        self.assertEqual(sla.reached_status(4.0, 4.0), "met")
        # hours stored as floats: a sum of pieces equal to the target is met
        self.assertEqual(sla.reached_status(sum([0.1] * 40), 4.0), "met")
        self.assertEqual(sla.reached_status(4.01, 4.0), "breached")

    def test_closed_unanswered_is_never_met(self):
        self.assertEqual(sla.unanswered_status("running", 1.0, 4.0), "unanswered")
        self.assertEqual(sla.unanswered_status("running", 5.0, 4.0), "breached")
        self.assertEqual(sla.unanswered_status("breached", 1.0, 4.0), "breached", "a breach found stays")

    def test_replaced_keeps_a_breach(self):
        self.assertEqual(sla.replaced_status("at_risk", 3.0, 4.0), "replaced")
        self.assertEqual(sla.replaced_status("running", 4.5, 4.0), "breached")
        self.assertEqual(sla.replaced_status("breached", 0.0, 4.0), "breached")

    def test_remaining_seconds_never_negative(self):
        self.assertEqual(sla.remaining_seconds(4, 1), 3 * HOUR)
        self.assertEqual(sla.remaining_seconds(4, 1, percent=50), HOUR)
        self.assertEqual(sla.remaining_seconds(4, 6), 0.0)
