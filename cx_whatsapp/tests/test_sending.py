"""The sending queue against the fake Graph API: what Meta receives, rate
limits and backoff, an expired token, errors shown to the agent, Retry,
media both ways, the account's Test button."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError

from .common import CxWhatsappCommon


class TestSending(CxWhatsappCommon):
    def setUp(self):
        super().setUp()
        self.conversation = self._receive("Where is my order?").conversation_id
        self.asked = self.conversation.cx_message_ids

    def _answer(self, text="It leaves today", **kwargs):
        self.conversation.with_user(self.agent_1).message_post(
            body=text, message_type="comment", subtype_xmlid="mail.mt_comment", **kwargs)
        return self.conversation.cx_message_ids.filtered(lambda m: m.direction == "outbound").sorted("id")[-1]

    def _send(self):
        return self.env["cx.whatsapp.message"]._cron_send()

    def _later(self, message):
        """As if the backoff delay had passed."""
        message.next_try_at = fields.Datetime.now() - timedelta(seconds=1)

    def test_text_reply_reaches_meta(self):
        message = self._answer(parent_id=self.asked.mail_message_id.id)
        self._send()
        (read,) = self.graph.sent("read")
        self.assertEqual(read["message_id"], self.asked.wamid, "answering marks the customer's message as read")
        (sent,) = self.graph.sent("text")
        self.assertEqual(sent["to"], "966551112233")
        self.assertEqual(sent["text"]["body"], "It leaves today")
        self.assertEqual(sent["context"], {"message_id": self.asked.wamid})
        self.assertEqual(message.status, "accepted")
        self.assertTrue(message.wamid.startswith("wamid.FAKE"))
        self.assertTrue(self.conversation.read_receipt_sent)
        # Meta's statuses then move it on
        self.env["cx.whatsapp.message"]._cx_apply_statuses(self.account, [
            {"wamid": message.wamid, "status": "delivered", "at": None, "errors": []}])
        self.assertEqual(message.status, "delivered")

    def test_mark_as_read(self):
        self.conversation.with_user(self.agent_1).action_mark_read()
        (read,) = self.graph.sent("read")
        self.assertEqual(read["message_id"], self.asked.wamid)
        self.assertTrue(self.conversation.read_receipt_sent)
        self.conversation.action_mark_read()
        self.assertEqual(len(self.graph.sent("read")), 1, "once per customer message")
        self._receive("one more thing")
        self.assertFalse(self.conversation.read_receipt_sent, "a new message is unread again")

    def test_rate_limits_back_off_and_retry(self):
        message = self._answer()
        self.graph.fail_next(130429, details="Message failed to send because there were too many messages sent from this phone number")
        self._send()
        self.assertEqual((message.status, message.try_count, message.error_code), ("queued", 1, 130429))
        self.assertAlmostEqual((message.next_try_at - fields.Datetime.now()).total_seconds(), 5, delta=2)
        self._send()
        self.assertEqual(len(self.graph.sent("text")), 1, "not before its time")
        self._later(message)
        self.graph.fail_next(131056, details="pair rate limit")
        self._send()
        self.assertEqual((message.status, message.try_count), ("queued", 2))
        self.assertAlmostEqual((message.next_try_at - fields.Datetime.now()).total_seconds(), 10, delta=2,
                               msg="the delay doubles")
        self._later(message)
        self._send()
        self.assertEqual(message.status, "accepted")
        self.assertEqual(len(self.graph.sent("text")), 3)

    def test_server_errors_retry(self):
        message = self._answer()
        self.graph.fail_next(131000, http_status=500, details="Something went wrong")
        self._send()
        self.assertEqual(message.status, "queued")
        self._later(message)
        self._send()
        self.assertEqual(message.status, "accepted")

    def test_expired_token_flags_the_account_and_messages_wait(self):
        message = self._answer()
        self.graph.fail_next(190, http_status=401, details="Error validating access token: Session has expired")
        self._send()
        self.assertEqual(self.account.graph_state, "token_expired")
        self.assertIn("expired", self.account.last_error)
        self.assertEqual(message.status, "queued", "kept, not failed")
        self._later(message)
        self._send()
        self.assertEqual(len(self.graph.sent("text")), 1, "nothing sent with a dead token")
        self.account.access_token = "test-token"  # a new token
        self.assertEqual(self.account.graph_state, "ok")
        self._send()
        self.assertEqual(message.status, "accepted")

    def test_errors_are_shown_and_retry_resends(self):
        message = self._answer("Late answer")
        self.graph.fail_next(131047, details="Message failed to send because more than 24 hours have passed since the customer last replied to this number.")
        self._send()
        self.assertEqual((message.status, message.error_code), ("failed", 131047))
        self.assertIn("24 hours", message.error_details)
        note = self.conversation.message_ids[0]
        self.assertIn("131047", note.body)
        self.assertIn(self.agent_1.partner_id, note.partner_ids, "the agent who wrote it is told")
        with self.assertRaises(UserError):
            self.asked.action_retry()  # a received message cannot be "retried"
        message.with_user(self.agent_1).action_retry()
        self.assertEqual(message.status, "queued")
        self._send()
        self.assertEqual(message.status, "accepted")
        self.assertEqual(len(self.graph.sent("text")), 2, "Retry really sent it again")

    def test_failed_status_from_the_webhook_is_shown(self):
        message = self._answer()
        self._send()
        self.env["cx.whatsapp.message"]._cx_apply_statuses(self.account, [
            {"wamid": message.wamid, "status": "failed", "at": None,
             "errors": [{"code": 131026, "title": "Message undeliverable",
                         "error_data": {"details": "Receiver is incapable of receiving this message"}}]}])
        self.assertEqual((message.status, message.error_code), ("failed", 131026))
        self.assertIn("incapable", self.conversation.message_ids[0].body)

    def test_media_both_ways(self):
        self.graph.media["m-photo"] = (b"\xff\xd8jpeg-bytes", "image/jpeg")
        self.graph.media["m-huge"] = (b"x" * (6 * 1024 * 1024), "image/jpeg")
        photo = self._receive(type="image", image={"id": "m-photo", "mime_type": "image/jpeg", "caption": "broken"})
        huge = self._receive(type="image", image={"id": "m-huge", "mime_type": "image/jpeg"})
        self.env["cx.whatsapp.message"]._cron_download_media()
        self.assertEqual(photo.media_state, "done")
        self.assertEqual(photo.attachment_id.raw, b"\xff\xd8jpeg-bytes")
        self.assertIn(photo.attachment_id, photo.mail_message_id.attachment_ids, "shown in the chatter")
        self.assertEqual(huge.media_state, "failed", "over the 5 MB image limit")
        self.assertIn("limit", huge.error_details)
        self.graph.media["m-exe"] = (b"MZ...", "application/x-msdownload")
        exe = self._receive(type="document", document={"id": "m-exe", "filename": "invoice.exe"})
        self.graph.media["m-voice"] = (b"OggS", "audio/ogg; codecs=opus")
        voice = self._receive(type="audio", audio={"id": "m-voice", "voice": True})
        self.env["cx.whatsapp.message"]._cron_download_media()
        self.assertEqual((exe.media_state, exe.attachment_id), ("failed", self.env["ir.attachment"]), "not a document type")
        self.assertIn("not accepted", exe.error_details)
        self.assertEqual(voice.media_state, "done", "a voice note")
        # an agent sends a PDF from the chatter
        pdf = self.env["ir.attachment"].create({"name": "invoice.pdf", "raw": b"%PDF-1.4 fake", "mimetype": "application/pdf",
                                                "res_model": "cx.whatsapp.conversation", "res_id": self.conversation.id})
        self.conversation.with_user(self.agent_1).message_post(
            body="", message_type="comment", subtype_xmlid="mail.mt_comment", attachment_ids=pdf.ids)
        self._send()
        (document,) = self.graph.sent("document")
        self.assertTrue(document["document"]["id"].startswith("media.up"))
        self.assertEqual(document["document"]["filename"], "invoice.pdf")
        uploads = [r for r in self.graph.requests if r[1].endswith("/media")]
        self.assertEqual(len(uploads), 1)

    def test_test_button(self):
        result = self.account.action_test()
        self.assertIn("Care KSA", result["params"]["message"])
        self.graph.fail_next(190, http_status=401, details="expired", path=r"/106540352242922$")
        with self.assertRaisesRegex(UserError, "expired"):
            self.account.action_test()
