"""Recovery status of a customer invoice.

Written by the Recouvra connector over Odoo's external API (XML-RPC, or JSON-2 from 19.0) after
each reminder, formal notice and procedure event; Odoo only keeps and shows it. Stored fields and
nothing else: no compute, no onchange, no business rule lives here.
"""

from odoo import fields, models

# The connector's case stages, in its order (connector/model/case.schema.ts, CaseStageSchema).
# test/adapters/odoo-addon checks that the keys are the connector's.
RECOVERY_STAGES = [
    ("open", "Open"),
    ("reminding", "Reminders"),
    ("formal_notice", "Formal Notice"),
    ("awaiting_approval", "Awaiting Approval"),
    ("escalated", "Sent to Law Firm"),
    ("in_procedure", "Legal Procedure"),
    ("closed", "Closed"),
]

# The closed set of procedure states (connector/model/procedure-event.schema.ts,
# ProcedureStateSchema); `indeterminate` is a firm's word the connector does not know.
PROCEDURE_STATES = [
    ("submitted", "File Submitted"),
    ("accepted", "Accepted by the Firm"),
    ("rejected", "Rejected by the Firm"),
    ("amicable_phase", "Firm's Amicable Phase"),
    ("filed", "Claim Filed"),
    ("order_issued", "Order Issued"),
    ("served", "Served"),
    ("opposition", "Debtor's Opposition"),
    ("hearing", "Hearing"),
    ("judgment", "Judgment"),
    ("enforceable_title", "Enforceable Title"),
    ("enforcement", "Enforcement"),
    ("partial_recovery", "Partial Recovery"),
    ("recovered", "Recovered"),
    ("irrecoverable", "Irrecoverable"),
    ("insolvency_declared", "Insolvency Proceedings"),
    ("withdrawn", "Withdrawn"),
    ("closed", "File Closed"),
    ("indeterminate", "Unknown Status"),
]

# Who reads the recovery status: invoicing users (Invoicing / Billing), and the managers, whose
# group account.group_account_manager implies it. A portal user can read their own invoices, and
# the field-level group keeps the recovery status from them. The connector's integration user
# needs this group to write the fields (Odoo checks field groups on write as on read).
RECOVERY_READERS = "account.group_account_invoice"


class AccountMove(models.Model):
    _inherit = "account.move"

    # readonly=True: nobody edits these in the form; the connector's `write` over RPC is accepted
    # because the ORM does not enforce `readonly` on write [UNVERIFIED here: no Odoo server].
    recouvra_stage = fields.Selection(
        RECOVERY_STAGES,
        string="Recovery Stage",
        help="Stage of the recovery case this invoice belongs to, written by the Recouvra connector.",
        readonly=True,
        copy=False,
        index=True,
        groups=RECOVERY_READERS,
    )
    recouvra_procedure_state = fields.Selection(
        PROCEDURE_STATES,
        string="Procedure State",
        help="State of the court procedure as the law firm last reported it, written by the Recouvra connector.",
        readonly=True,
        copy=False,
        index=True,
        groups=RECOVERY_READERS,
    )
    recouvra_dossier_ref = fields.Char(
        string="Law Firm File",
        help="Reference of the file handed to the law firm.",
        readonly=True,
        copy=False,
        index=True,
        groups=RECOVERY_READERS,
    )
    recouvra_last_event = fields.Char(
        string="Last Recovery Event",
        help="The last reminder, formal notice or procedure event Recouvra recorded on this invoice.",
        readonly=True,
        copy=False,
        groups=RECOVERY_READERS,
    )
    # A datetime, stored in UTC and shown in each user's time zone: the connector need not know
    # the company's time zone to write it.
    recouvra_last_event_date = fields.Datetime(
        string="Last Event Date",
        help="When Recouvra recorded the last event on this invoice.",
        readonly=True,
        copy=False,
        groups=RECOVERY_READERS,
    )
    # A calendar date: deadlines fall on a day (the "Deadline Passed" filter compares it with today).
    recouvra_next_deadline = fields.Date(
        string="Next Recovery Deadline",
        help="Date on which the next recovery step or procedure deadline falls due.",
        readonly=True,
        copy=False,
        index=True,
        groups=RECOVERY_READERS,
    )
