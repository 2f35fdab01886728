from . import controllers, models, report, wizard


def _post_init_hook(env):
    """A ticket numbering for every existing company (new ones get theirs on creation)."""
    for company in env["res.company"].search([]):
        env["cx.ticket"]._cx_sequence(company)
