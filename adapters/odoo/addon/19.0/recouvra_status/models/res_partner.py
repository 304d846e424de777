"""Recovery status of a customer (its commercial entity), written by the Recouvra connector."""

from odoo import fields, models

from .account_move import RECOVERY_READERS, RECOVERY_STAGES


class ResPartner(models.Model):
    _inherit = "res.partner"

    recouvra_stage = fields.Selection(
        RECOVERY_STAGES,
        string="Recovery Stage",
        help="Most advanced recovery stage among this customer's invoices, written by the Recouvra connector.",
        readonly=True,
        copy=False,
        index=True,
        groups=RECOVERY_READERS,
    )
    # Monetary rather than Float: Odoo rounds and shows it with the currency's own decimals and
    # symbol. Its currency is a field of its own, not the partner's `currency_id` (which account
    # computes from the current company and does not store): a recovery case has its own currency
    # (one case = debtor x company x currency), which the connector writes beside the amount.
    recouvra_amount = fields.Monetary(
        string="Amount in Recovery",
        help="What is still due on this customer's invoices in recovery, in the recovery currency.",
        currency_field="recouvra_currency_id",
        readonly=True,
        copy=False,
        groups=RECOVERY_READERS,
    )
    recouvra_currency_id = fields.Many2one(
        "res.currency",
        string="Recovery Currency",
        help="Currency of the amount in recovery.",
        readonly=True,
        copy=False,
        groups=RECOVERY_READERS,
    )
