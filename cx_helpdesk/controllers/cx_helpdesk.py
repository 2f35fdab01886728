from odoo import http
from odoo.exceptions import AccessError, MissingError, ValidationError
from odoo.http import request
from odoo.tools import email_normalize, formataddr, plaintext2html

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5
# a field humans do not see (hidden off screen): robots that fill every field give themselves away
HONEYPOT_FIELD = "website"


class CxHelpdeskPortal(CustomerPortal):
    # ------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "cx_ticket_count" in counters:
            Ticket = request.env["cx.ticket"]
            values["cx_ticket_count"] = Ticket.search_count([]) if Ticket.has_access("read") else 0
        return values

    def _cx_portal_teams(self):
        return request.env["cx.team"].sudo().search(
            [("portal_form", "=", True), ("company_id", "in", request.env.companies.ids)]
        )

    def _cx_form_values(self, **kw):
        return {
            "page_name": "cx_ticket_new",
            "teams": self._cx_portal_teams(),
            "ticket_types": request.env["cx.ticket.type"].sudo().search([]),
            "max_upload_mb": request.env["cx.web.form.submission"]._cx_limit("upload_mb"),
            "error": kw.get("error") or {},
            "form": kw.get("form") or {},
        }

    def _cx_attachments_from_request(self, files):
        """Validated uploads as ``(name, content)`` pairs; raises ValidationError."""
        files = [f for f in files if getattr(f, "filename", None)]
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(request.env._("At most %s files can be attached.", MAX_ATTACHMENTS))
        max_total_mb = request.env["cx.web.form.submission"]._cx_limit("upload_mb")
        attachments = []
        total = 0
        for upload in files:
            content = upload.read()
            if len(content) > MAX_ATTACHMENT_BYTES:
                raise ValidationError(request.env._("%s is larger than 10 MB.", upload.filename))
            total += len(content)
            if max_total_mb and total > max_total_mb * 1024 * 1024:
                raise ValidationError(request.env._("The files together are larger than %s MB.", max_total_mb))
            attachments.append((upload.filename, content))
        return attachments

    def _cx_try_later(self):
        """The page of a refused burst: status 429, nothing was created."""
        minutes = request.env["cx.web.form.submission"]._cx_limit("minutes") or 60
        return request.render(
            "cx_helpdesk.portal_ticket_try_later",
            {"minutes": minutes},
            status=429,
            headers=[("Retry-After", str(minutes * 60))],
        )

    def _cx_create_ticket(self, partner, channel, post, files, values=None, acknowledge=True):
        """Validate the form and create the ticket (sudo: customers cannot
        create tickets directly), with ``values`` added to the ticket's.
        Returns (ticket, errors)."""
        errors = {}
        subject = (post.get("subject") or "").strip()
        description = (post.get("description") or "").strip()
        if not subject:
            errors["subject"] = request.env._("Tell us in a few words what it is about.")
        if not description:
            errors["description"] = request.env._("Describe your request.")
        teams = self._cx_portal_teams()
        team = teams[:1]
        if post.get("team_id"):
            team = teams.filtered(lambda t: str(t.id) == post["team_id"])
            if not team:
                errors["team_id"] = request.env._("Choose one of the proposed teams.")
        if not team:
            errors["team_id"] = request.env._("No team takes requests from the portal yet.")
        ticket_type = request.env["cx.ticket.type"].sudo()
        if post.get("type_id"):
            ticket_type = ticket_type.search([("id", "=", int(post["type_id"]) if post["type_id"].isdigit() else 0)])
        try:
            attachments = self._cx_attachments_from_request(files)
        except ValidationError as error:
            errors["attachments"] = error.args[0]
            attachments = []
        if errors:
            return None, errors
        ticket = (
            request.env["cx.ticket"]
            .sudo()
            .with_context(mail_create_nosubscribe=True)
            .create(
                {
                    "name": subject,
                    "description": plaintext2html(description),
                    "partner_id": partner.id,
                    "team_id": team.id,
                    "type_id": ticket_type.id,
                    "channel": channel,
                    "lang": partner.lang or request.env.lang,
                    **(values or {}),
                }
            )
        )
        if attachments:
            ticket.message_post(
                author_id=partner.id,
                body=request.env._("Files attached to the request."),
                attachments=attachments,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        if acknowledge:
            ticket._cx_send_acknowledgement()
        return ticket, {}

    # ------------------------------------------------------------
    # routes: tickets of the logged-in customer
    # ------------------------------------------------------------

    @http.route(["/my/tickets", "/my/tickets/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_tickets(self, page=1, sortby=None, filterby=None, **kw):
        Ticket = request.env["cx.ticket"]
        values = self._prepare_portal_layout_values()
        sortings = {
            "date": {"label": request.env._("Newest"), "order": "create_date desc, id desc"},
            "number": {"label": request.env._("Reference"), "order": "number desc"},
            "stage": {"label": request.env._("Stage"), "order": "stage_id, id desc"},
        }
        filters = {
            "open": {"label": request.env._("Open"), "domain": [("is_closed", "=", False)]},
            "closed": {"label": request.env._("Closed"), "domain": [("is_closed", "=", True)]},
            "all": {"label": request.env._("All"), "domain": []},
        }
        sortby = sortby if sortby in sortings else "date"
        filterby = filterby if filterby in filters else "open"
        domain = filters[filterby]["domain"]
        count = Ticket.search_count(domain)
        pager = portal_pager(
            url="/my/tickets",
            url_args={"sortby": sortby, "filterby": filterby},
            total=count,
            page=page,
            step=self._items_per_page,
        )
        tickets = Ticket.search(domain, order=sortings[sortby]["order"], limit=self._items_per_page, offset=pager["offset"])
        request.session["my_tickets_history"] = tickets.ids[:100]
        values.update(
            {
                "tickets": tickets.sudo(),
                "page_name": "cx_ticket",
                "pager": pager,
                "default_url": "/my/tickets",
                "searchbar_sortings": sortings,
                "sortby": sortby,
                "searchbar_filters": filters,
                "filterby": filterby,
            }
        )
        return request.render("cx_helpdesk.portal_my_tickets", values)

    @http.route(["/my/tickets/<int:ticket_id>"], type="http", auth="public", website=True)
    def portal_my_ticket(self, ticket_id, access_token=None, **kw):
        try:
            ticket_sudo = self._document_check_access("cx.ticket", ticket_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._get_page_view_values(ticket_sudo, access_token, {"ticket": ticket_sudo, "page_name": "cx_ticket"},
                                            "my_tickets_history", False, **kw)
        return request.render("cx_helpdesk.portal_my_ticket", values)

    @http.route(["/my/tickets/<int:ticket_id>/close"], type="http", auth="public", methods=["POST"], website=True)
    def portal_close_ticket(self, ticket_id, access_token=None, **kw):
        try:
            ticket_sudo = self._document_check_access("cx.ticket", ticket_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if ticket_sudo._portal_close_allowed():
            ticket_sudo.action_close()
            author = request.env.user.partner_id if not request.env.user._is_public() else ticket_sudo.partner_id
            ticket_sudo.message_post(
                author_id=author.id,
                body=request.env._("The customer closed the ticket from the portal."),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        url = f"/my/tickets/{ticket_id}"
        return request.redirect(f"{url}?access_token={access_token}" if access_token else url)

    @http.route(["/my/tickets/new"], type="http", auth="user", methods=["GET", "POST"], website=True)
    def portal_new_ticket(self, **post):
        values = self._prepare_portal_layout_values()
        if request.httprequest.method == "POST":
            ticket, errors = self._cx_create_ticket(
                request.env.user.partner_id, "portal", post, request.httprequest.files.getlist("attachments")
            )
            if ticket:
                return request.redirect(f"/my/tickets/{ticket.id}")
            values.update(self._cx_form_values(error=errors, form=post))
        else:
            values.update(self._cx_form_values())
        values["form_action"] = "/my/tickets/new"
        return request.render("cx_helpdesk.portal_new_ticket", values)

    # ------------------------------------------------------------
    # routes: the public request form
    # ------------------------------------------------------------

    @http.route(["/helpdesk"], type="http", auth="public", methods=["GET", "POST"], website=True, sitemap=True)
    def public_new_ticket(self, **post):
        """The request form of visitors who are not logged in.

        Limited per client address and per typed email (see
        ``cx.web.form.submission``); a typed email proves nothing, so a
        request under the address of an existing contact is linked to it as
        unverified, keeps the typed name and address, and the acknowledgement
        goes to an address at most once an hour."""
        if not request.env.user._is_public():
            return request.redirect("/my/tickets/new")
        values = {"form_action": "/helpdesk", "public_form": True}
        if request.httprequest.method != "POST":
            values.update(self._cx_form_values())
            return request.render("cx_helpdesk.portal_new_ticket", values)
        Submission = request.env["cx.web.form.submission"].sudo()
        if post.get(HONEYPOT_FIELD):
            values.update(
                self._cx_form_values(error={"form": request.env._("Your request could not be sent.")}, form=post)
            )
            return request.render("cx_helpdesk.portal_new_ticket", values, status=400)
        remote_addr = request.httprequest.remote_addr or "unknown"
        if Submission._cx_over_limit("remote_addr", remote_addr):
            return self._cx_try_later()
        name = (post.get("name") or "").strip()
        email = email_normalize(post.get("email") or "")
        errors = {}
        if not name:
            errors["name"] = request.env._("Your name, please.")
        if not email:
            errors["email"] = request.env._("A valid email address, so we can answer you.")
        if errors:
            values.update(self._cx_form_values(error=errors, form=post))
            return request.render("cx_helpdesk.portal_new_ticket", values)
        if Submission._cx_over_limit("email_normalized", email):
            return self._cx_try_later()
        Ticket = request.env["cx.ticket"].sudo()
        typed = formataddr((name, email))
        ticket_values = {}
        partner = Ticket._partner_find_from_emails_single([typed], no_create=True)
        if partner:
            # anyone can type an address: the agent is told, and the visitor
            # gets nothing of the contact
            ticket_values = {"email_from": typed, "partner_unverified": True}
        else:
            partner = Ticket._partner_find_from_emails_single([typed], no_create=False)
        acknowledge = not Submission._cx_acknowledged_recently(email)
        ticket, errors = self._cx_create_ticket(
            partner,
            "web_form",
            post,
            request.httprequest.files.getlist("attachments"),
            values=ticket_values,
            acknowledge=acknowledge,
        )
        if not ticket:
            values.update(self._cx_form_values(error=errors, form=post))
            return request.render("cx_helpdesk.portal_new_ticket", values)
        Submission.create(
            {"remote_addr": remote_addr, "email_normalized": email, "ticket_id": ticket.id, "acknowledged": acknowledge}
        )
        return request.render("cx_helpdesk.portal_ticket_received", {"ticket": ticket})
