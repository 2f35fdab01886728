import datetime

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_amount


class CxWhatsappTemplateVariable(models.Model):
    _name = "cx.whatsapp.template.variable"
    _description = "WhatsApp Template Variable"
    _order = "position"

    template_id = fields.Many2one("cx.whatsapp.template", required=True, ondelete="cascade", index=True)
    position = fields.Integer(string="{{n}}", required=True)
    name = fields.Char(string="Label", required=True, default="Variable")
    field_path = fields.Char(string="Field", help="Read on the record, e.g. name, partner_id.name, number, user_id.name.")
    fixed_value = fields.Char(string="Or Text", help="Used when there is no field, or it is empty.")
    sample = fields.Char(string="Example for Meta", help="Meta reviews the template with these examples.")

    @api.constrains("field_path")
    def _check_field_path(self):
        for variable in self.filtered("field_path"):
            model = self.env[variable.template_id.res_model]
            for name in variable.field_path.split("."):
                field = model._fields.get(name)
                if not field:
                    raise ValidationError(self.env._("%(model)s has no field %(field)s.", model=model._description, field=name))
                model = self.env[field.comodel_name] if field.relational else model

    def _cx_value(self, record):
        """The variable's text for ``record``: names for relations, amounts
        with their currency, dates as dates."""
        value, owner, field = record, record, None
        for name in (self.field_path or "").split(".") if self.field_path else []:
            owner, field = value, value._fields[name] if value else None
            value = value[name] if value else value
        if isinstance(value, models.BaseModel):
            value = value.display_name if value and value != record else ""
        elif field is not None and field.type == "monetary" and owner:
            currency = owner[field.get_currency_field(owner)] if field.get_currency_field(owner) else None
            value = format_amount(self.env, value, currency) if currency else value
        elif isinstance(value, datetime.datetime):
            value = fields.Datetime.to_string(value)[:16]
        elif isinstance(value, datetime.date):
            value = fields.Date.to_string(value)
        text = str(value) if value not in (None, False, "") and self.field_path else ""
        return text or self.fixed_value or "-"
