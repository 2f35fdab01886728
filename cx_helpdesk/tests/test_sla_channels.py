"""One SLA clock for every channel: the first public answer on any channel
meets the first response (the line says which), a customer's message on any
channel takes the ticket off 'waiting on customer', policies per channel."""

from datetime import timedelta

from freezegun import freeze_time

from .common import MONDAY_9, CxHelpdeskCommon


class TestSlaChannels(CxHelpdeskCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy = cls._policy(name="Standard", first_response_hours=4, resolution_hours=16)

    def test_email_reply_meets_first_response_and_records_the_channel(self):
        with freeze_time(MONDAY_9):
            ticket = self._ticket(channel="email")
        first = self._sla(ticket, "first_response")
        with freeze_time(MONDAY_9 + timedelta(hours=1)):
            ticket.with_user(ticket.user_id).message_post(
                body="We are on it", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        self.assertEqual((first.status, first.answered_channel), ("met", "email"))
        self.assertEqual(first.reached_date, MONDAY_9 + timedelta(hours=1))
        self.assertFalse(self._sla(ticket, "resolution").answered_channel, "a resolution is not an answer")

    def test_first_answer_wins_whatever_the_channel(self):
        with freeze_time(MONDAY_9):
            ticket = self._ticket(channel="phone")
        first = self._sla(ticket, "first_response")
        ticket._cx_channel_answered("whatsapp", MONDAY_9 + timedelta(hours=2))
        ticket._cx_channel_answered("phone", MONDAY_9 + timedelta(hours=3))
        self.assertEqual((first.status, first.answered_channel), ("met", "whatsapp"))
        self.assertEqual(ticket.first_response_date, MONDAY_9 + timedelta(hours=2))
        self.assertEqual(first.reached_date, MONDAY_9 + timedelta(hours=2))

    def test_late_answer_is_breached_on_its_channel(self):
        with freeze_time(MONDAY_9):
            ticket = self._ticket(channel="whatsapp")
        first = self._sla(ticket, "first_response")
        with freeze_time(MONDAY_9 + timedelta(hours=6)):
            ticket._cx_channel_answered("whatsapp", MONDAY_9 + timedelta(hours=6))
        self.assertEqual((first.status, first.answered_channel), ("breached", "whatsapp"))

    def test_customer_message_takes_ticket_off_waiting(self):
        with freeze_time(MONDAY_9):
            ticket = self._ticket(channel="whatsapp")
        resolution = self._sla(ticket, "resolution")
        with freeze_time(MONDAY_9 + timedelta(hours=1)):
            ticket.stage_id = self.stage_progress
            ticket.stage_id = self.stage_waiting
        self.assertEqual(resolution.status, "paused")
        with freeze_time(MONDAY_9 + timedelta(hours=3)):
            ticket.with_user(self.agent_1)._cx_customer_message("whatsapp", MONDAY_9 + timedelta(hours=3))
        self.assertEqual(ticket.stage_id, self.stage_progress)
        self.assertEqual(resolution.status, "running")
        self.assertAlmostEqual(resolution.consumed_hours, 1, places=3, msg="the wait did not count")
        self.assertEqual(ticket.last_customer_message_date, MONDAY_9 + timedelta(hours=3))
        # an older message brought in late does not move the date back
        ticket._cx_customer_message("phone", MONDAY_9 + timedelta(hours=2))
        self.assertEqual(ticket.last_customer_message_date, MONDAY_9 + timedelta(hours=3))

    def test_policies_per_channel(self):
        """Tickets of the same team get their channel's targets, for every channel."""
        self.policy.active = False
        channels = [value for value, _label in self.env["cx.ticket"]._fields["channel"].selection]
        for hours, channel in enumerate(channels, start=1):
            self._policy(name=f"By {channel}", channel=channel, first_response_hours=hours)
        with freeze_time(MONDAY_9):
            tickets = {channel: self._ticket(channel=channel) for channel in channels}
        for hours, channel in enumerate(channels, start=1):
            line = self._sla(tickets[channel], "first_response")
            self.assertEqual(line.policy_id.name, f"By {channel}")
            self.assertEqual(line.deadline, MONDAY_9 + timedelta(hours=hours))
        # the same team, a WhatsApp ticket and a phone ticket: different targets
        self.assertEqual(tickets["whatsapp"].team_id, tickets["phone"].team_id)
        self.assertNotEqual(tickets["whatsapp"].sla_deadline, tickets["phone"].sla_deadline)
