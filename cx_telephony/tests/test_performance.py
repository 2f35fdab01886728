"""Query budgets: the bridge's call writes (cx.pbx._cx_bridge_apply) cost
the same for the changes of one call as for those of fifty, whether the
calls are new or already recorded."""

from odoo.tests import tagged, warmup

from odoo.addons.cx_telephony.tools.call_tracker import CallTracker

from .ami_fixtures import server_events
from .common import CxTelephonyCommon


@tagged("-at_install", "post_install")
class TestPerformance(CxTelephonyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a queue call answered by agent 1001, as the tracker folds it: the
        # snapshots until the answer (a new call), then those until its end
        tracker = CallTracker(internal_max_digits=cls.pbx.internal_number_max_digits)
        snapshots = [payload for at, message in server_events("inbound_queue_answered")
                     for kind, payload in tracker.handle(message, at) if kind == "call"]
        answered = next(index for index, snapshot in enumerate(snapshots) if snapshot["state"] == "answered")
        cls.ringing, cls.ending = snapshots[: answered + 1], snapshots[answered + 1:]
        # first batches, so that caches and sequences exist as on a live database
        cls.pbx._cx_bridge_apply(cls._changes(cls.ringing, 50, "warm"))
        cls.pbx._cx_bridge_apply(cls._changes(cls.ending, 50, "warm"))

    @classmethod
    def _changes(cls, snapshots, count, batch):
        """The ``call`` changes of ``count`` such calls, interleaved as the
        bridge sends them."""
        return [("call", dict(snapshot, linkedid=f"{batch}-{index}"))
                for snapshot in snapshots for index in range(count)]

    def _apply(self, count, expected_new, expected_update):
        type(self)._batch = getattr(type(self), "_batch", 0) + 1
        batch = f"perf{self._batch}"
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=expected_new):
            self.pbx._cx_bridge_apply(self._changes(self.ringing, count, batch))
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=expected_update):
            self.pbx._cx_bridge_apply(self._changes(self.ending, count, batch))
        calls = self.env["cx.call"].search([("linkedid", "=like", f"{batch}-%")])
        self.assertEqual(len(calls), count)
        self.assertEqual(set(calls.mapped("state")), {"completed"})
        self.assertEqual(calls.user_id, self.agent_1)
        self.assertEqual(calls.partner_id, self.saudi)

    # the ending batch frees the agent: the waiting work is offered to them
    # (a trigger of cx_helpdesk's cron), once per batch; a new batch takes 12
    # or 13 depending on the tests run before (the ORM's caches), for 1 call
    # as for 50

    @warmup
    def test_bridge_writes_1_call(self):
        self._apply(1, 13, 24)

    @warmup
    def test_bridge_writes_50_calls(self):
        self._apply(50, 13, 24)
