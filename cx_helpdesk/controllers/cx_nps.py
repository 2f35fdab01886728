from odoo import http
from odoo.http import request


class CxCustomerSurvey(http.Controller):
    """Public pages of the NPS survey and of the post-resolution check-in.

    The token in the address is the only credential (like the rating links
    of Odoo's emails): each send has its own and takes one answer.
    """

    def _cx_render(self, template, partner, values=None, status=200):
        lang = request.env["res.lang"]._get_data(code=partner.lang) if partner.lang else None
        if lang:
            request.update_context(lang=lang.code)
        values = {
            "direction": lang.direction if lang else "ltr",
            "lang_code": (lang.code if lang else request.env.lang or "en_US").replace("_", "-"),
            **(values or {}),
        }
        return request.render(template, values, status=status)

    def _cx_not_found(self, partner=None):
        return self._cx_render("cx_helpdesk.cx_survey_not_found", partner or request.env["res.partner"], status=404)

    def _cx_survey(self, token):
        return request.env["cx.nps.survey"].sudo().search([("token", "=", token)], limit=1)

    @http.route("/cx/nps/<string:token>", type="http", auth="public", methods=["GET", "POST"], sitemap=False)
    def cx_nps_survey(self, token, score=None, comment=None, **kw):
        survey = self._cx_survey(token)
        if not survey:
            return self._cx_not_found()
        if survey.answered_at:
            return self._cx_render("cx_helpdesk.nps_survey_answered", survey.partner_id, status=409)
        values = {"survey": survey, "token": token, "error": False, "form": {}}
        if request.httprequest.method != "POST":
            return self._cx_render("cx_helpdesk.nps_survey_form", survey.partner_id, values)
        try:
            value = int(score)
            if not 0 <= value <= 10:
                raise ValueError(value)
        except (TypeError, ValueError):
            values.update(
                error=request.env(context=dict(request.env.context, lang=survey.partner_id.lang))._(
                    "Please choose a score from 0 to 10."
                ),
                form={"score": score or "", "comment": comment or ""},
            )
            return self._cx_render("cx_helpdesk.nps_survey_form", survey.partner_id, values, status=400)
        survey._cx_answer(value, comment)
        return self._cx_render("cx_helpdesk.nps_survey_thanks", survey.partner_id)

    @http.route(
        "/cx/checkin/<string:token>/<any(yes,no):answer>", type="http", auth="public", methods=["GET", "POST"], sitemap=False
    )
    def cx_ticket_checkin(self, token, answer, **kw):
        # the email's link opens a confirmation page: link scanners that
        # follow every link of a message must not reopen tickets
        ticket = request.env["cx.ticket"].sudo().search([("checkin_token", "=", token)], limit=1) if token else None
        if not ticket:
            return self._cx_not_found()
        values = {"ticket": ticket, "token": token, "answer": answer}
        if request.httprequest.method != "POST":
            return self._cx_render("cx_helpdesk.ticket_checkin_form", ticket.partner_id, values)
        ticket._cx_checkin_answer(answer == "yes")
        return self._cx_render("cx_helpdesk.ticket_checkin_done", ticket.partner_id, {**values, "reopened": answer == "no"})
