from odoo import fields, models


class CxWhatsappTemplateButton(models.Model):
    _name = "cx.whatsapp.template.button"
    _description = "WhatsApp Template Button"
    _order = "sequence, id"

    template_id = fields.Many2one("cx.whatsapp.template", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    kind = fields.Selection([("QUICK_REPLY", "Quick reply"), ("URL", "Link"), ("PHONE_NUMBER", "Call")],
                            string="Type", required=True, default="QUICK_REPLY")
    text = fields.Char(required=True)
    url = fields.Char(string="URL")
    phone_number = fields.Char()

    def _cx_meta(self):
        self.ensure_one()
        button = {"type": self.kind, "text": self.text}
        if self.kind == "URL":
            button["url"] = self.url
        elif self.kind == "PHONE_NUMBER":
            button["phone_number"] = self.phone_number
        return button
