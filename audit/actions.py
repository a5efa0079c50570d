"""The audit vocabulary: every action an audit event may record, listed once, with its label for
people.

The value of each member is the code stored in `AuditEvent.action` (and covered by the hash chain),
so codes never change: a new wording changes the label only. `audit_record` refuses any action not
listed here. Pages show the label (`action_label`) and keep the code beside it for staff.

A few services name their action from a state or a kind they hold at run time; each such family is
a small function below that builds a listed member and refuses any other (e.g.
`membership_step("withdraw")` is `MEMBERSHIP_WITHDRAW`).
"""

from __future__ import annotations

from django.db import models


class AuditAction(models.TextChoices):
    # accounts: users, roles, API tokens
    USER_CREATED = "user.created", "User account created"
    USER_UPDATED = "user.updated", "User account updated"
    USER_PASSWORD_CHANGED = "user.password_changed", "Password changed"
    USER_EMAIL_VERIFIED = "user.email_verified", "Email address verified"
    ROLE_ASSIGNED = "role.assigned", "Role assigned"
    ROLE_REVOKED = "role.revoked", "Role revoked"
    API_TOKEN_CREATED = "api_token.created", "API token created"
    API_TOKEN_REVOKED = "api_token.revoked", "API token revoked"

    # orgs: organisations and the consortium
    ORGANISATION_CREATED = "organisation.created", "Organisation created"
    ORGANISATION_UPDATED = "organisation.updated", "Organisation updated"
    CONSORTIUM_CREATED = "consortium.created", "Consortium profile created"
    CONSORTIUM_UPDATED = "consortium.updated", "Consortium profile updated"

    # audit: the chain itself and the Django admin
    AUDIT_HEAD_REBUILT = "audit.head_rebuilt", "Audit chain head rebuilt (incident)"
    AUDIT_INCIDENT_ACKNOWLEDGED = "audit.incident_acknowledged", "Audit chain incident acknowledged"
    ADMIN_ADDED = "admin.added", "Added in the Django admin"
    ADMIN_CHANGED = "admin.changed", "Changed in the Django admin"
    ADMIN_DELETED = "admin.deleted", "Deleted in the Django admin"

    # jobs: background tasks (their status rows)
    JOB_QUEUED = "job.queued", "Background job queued"
    JOB_STARTED = "job.started", "Background job started"
    JOB_DONE = "job.done", "Background job finished"
    JOB_FAILED = "job.failed", "Background job failed"
    JOB_CANCELLED = "job.cancelled", "Background job cancelled"
    JOB_STOP_REQUESTED = "job.stop_requested", "Background job asked to stop and keep its best result"
    JOB_REQUEUED = "job.requeued", "Background job given to another worker"
    JOB_FILE_REMOVED = "job.file_removed", "Background job's file removed after its days were up"

    # members: districts and memberships (the membership steps: members.states.TRANSITIONS)
    DISTRICT_CREATED = "district.created", "District added"
    DISTRICT_UPDATED = "district.updated", "District updated"
    DISTRICT_APPROVAL_LIMIT_SET = "district.approval_limit_set", "District approval limit set"
    DISTRICT_DIRECTORY_IMPORTED = "district.directory_imported", "District directory imported"
    MEMBERSHIP_APPLIED = "membership.applied", "Membership applied for"
    MEMBERSHIP_APPROVE_BOARD = "membership.approve_board", "Board approval of membership recorded"
    MEMBERSHIP_SIGN_AGREEMENT = "membership.sign_agreement", "Membership agreement signed"
    MEMBERSHIP_ACTIVATE = "membership.activate", "Membership activated"
    MEMBERSHIP_SUSPEND = "membership.suspend", "Membership suspended"
    MEMBERSHIP_REINSTATE = "membership.reinstate", "Membership reinstated"
    MEMBERSHIP_WITHDRAW = "membership.withdraw", "Membership withdrawn"

    # vendors
    VENDOR_CREATED = "vendor.created", "Vendor added"
    VENDOR_UPDATED = "vendor.updated", "Vendor profile updated"
    VENDOR_REGISTERED = "vendor.registered", "Vendor registered"
    VENDOR_USER_INVITED = "vendor.user_invited", "Vendor colleague invited"

    # catalog
    CATEGORY_CREATED = "category.created", "Product category created"
    CATEGORY_UPDATED = "category.updated", "Product category updated"
    PRODUCT_CREATED = "product.created", "Product added"
    PRODUCT_UPDATED = "product.updated", "Product updated"
    PRODUCT_FACTS_CHECKED = "product.facts_checked", "Product facts checked by staff"

    # compliance: rules, decisions, vendors' evidence
    JURISDICTION_CREATED = "jurisdiction.created", "Jurisdiction added"
    JURISDICTION_UPDATED = "jurisdiction.updated", "Jurisdiction updated"
    RULE_VERSION_CREATED = "rule.version_created", "Compliance rule version created"
    RULE_VERSION_RETIRED = "rule.version_retired", "Compliance rule version retired"
    RULES_LOADED = "rules.loaded", "Compliance rules loaded"
    COMPLIANCE_DECISION_RECORDED = "compliance.decision_recorded", "Compliance decision recorded"
    DPA_CREATED = "dpa.created", "Data privacy agreement added"
    DPA_UPDATED = "dpa.updated", "Data privacy agreement corrected"
    DPA_JOINDER_ADOPTED = "dpa.joinder_adopted", "General offer adopted (DPA joinder)"
    DPA_OFFER_CLOSED = "dpa.offer_closed", "General offer closed"
    DPA_WITHDRAWN = "dpa.withdrawn", "Data privacy agreement withdrawn"
    DPA_DISTRICT_SIGNED = "dpa.district_signed", "District's side of a data privacy agreement recorded"
    DPA_JOINDER_REVIEW_REQUIRED = "dpa.joinder_review_required", "Joinder flagged for review (its agreement was withdrawn)"
    DPA_JOINDER_REVIEWED = "dpa.joinder_reviewed", "Joinder reviewed"
    ACCESSIBILITY_REPORT_CREATED = "accessibility_report.created", "Accessibility report added"
    ACCESSIBILITY_REPORT_UPDATED = "accessibility_report.updated", "Accessibility report corrected"
    ACCESSIBILITY_REPORT_WITHDRAWN = "accessibility_report.withdrawn", "Accessibility report withdrawn"
    ATTESTATION_CREATED = "attestation.created", "Attestation added"
    ATTESTATION_UPDATED = "attestation.updated", "Attestation corrected"
    ATTESTATION_WITHDRAWN = "attestation.withdrawn", "Attestation withdrawn"

    # sourcing: solicitations, questions, bids, evaluation, award, protests
    SOLICITATION_DRAFTED = "solicitation.drafted", "Solicitation drafted"
    SOLICITATION_DRAFT_UPDATED = "solicitation.draft_updated", "Solicitation draft updated"
    SOLICITATION_PUBLISHED = "solicitation.published", "Solicitation published"
    SOLICITATION_ADDENDUM_PUBLISHED = "solicitation.addendum_published", "Addendum published"
    SOLICITATION_DOCUMENT_ADDED = "solicitation.document_added", "Solicitation document added"
    SOLICITATION_FOLLOWED = "solicitation.followed", "Solicitation followed"
    SOLICITATION_CANCELLED = "solicitation.cancelled", "Solicitation cancelled"
    SOLICITATION_BIDS_OPENED = "solicitation.bids_opened", "Bids opened"
    SOLICITATION_BIDS_READ = "solicitation.bids_read", "Bids read"
    SOLICITATION_BIDS_EXPORTED = "solicitation.bids_exported", "Bids exported"
    SOLICITATION_EVALUATION_STARTED = "solicitation.evaluation_started", "Evaluation started"
    SOLICITATION_AWARD_NOTICE = "solicitation.award_notice", "Solicitation awarded"
    SOLICITATION_AWARD_REVISION = "solicitation.award_revision", "Award reopened for revision"
    QUESTION_ASKED = "question.asked", "Question asked"
    QUESTION_ANSWERED = "question.answered", "Question answered"
    BID_SUBMITTED = "bid.submitted", "Bid submitted"
    BID_REPLACED = "bid.replaced", "Bid replaced"
    BID_CONFIRMED = "bid.confirmed", "Bid re-confirmed after an addendum"
    BID_WITHDRAWN = "bid.withdrawn", "Bid withdrawn"
    BID_DOCUMENT_READ = "bid.document_read", "Bid document read"
    SEALING_KEY_ROTATED = "sealing_key.rotated", "Bid sealing key rotated (bids re-wrapped)"
    SEALING_KEY_RETIRED = "sealing_key.retired", "Previous bid sealing key retired"
    EVALUATION_SEATED = "evaluation.seated", "Evaluator seated"
    EVALUATION_DECLARATION_SIGNED = "evaluation.declaration_signed", "Conflict-of-interest declaration signed"
    EVALUATION_SCORED = "evaluation.scored", "Evaluator's scores recorded"
    EVALUATION_CONSENSUS_RECORDED = "evaluation.consensus_recorded", "Consensus scores recorded"
    AWARD_PLAN_COMPUTED = "award.plan_computed", "Award plan computed"
    AWARD_NOTICE_PUBLISHED = "award.notice_published", "Award notice published"
    PROTEST_FILED = "protest.filed", "Protest filed"
    PROTEST_UPHELD = "protest.upheld", "Protest upheld"
    PROTEST_DENIED = "protest.denied", "Protest denied"

    # contracts: master agreements, amendments, mini-competitions, participation, notices
    AGREEMENT_CREATED = "agreement.created", "Master agreement created"
    AGREEMENT_SCHEDULE_MAPPED = "agreement.schedule_mapped", "Product put on the price schedule"
    AGREEMENT_SCHEDULE_UNMAPPED = "agreement.schedule_unmapped", "Product taken off the price schedule"
    AGREEMENT_ACTIVATED = "agreement.activated", "Master agreement signed and started"
    AGREEMENT_RENEWED = "agreement.renewed", "Master agreement renewed"
    AGREEMENT_TERMINATED = "agreement.terminated", "Master agreement terminated"
    AGREEMENT_DOCUMENT_ADDED = "agreement.document_added", "Agreement document added"
    AGREEMENT_NOTICE_EXPIRY_180 = "agreement.notice_expiry_180", "Expiry notice sent (180 days left)"
    AGREEMENT_NOTICE_EXPIRY_90 = "agreement.notice_expiry_90", "Expiry notice sent (90 days left)"
    AGREEMENT_NOTICE_EXPIRY_30 = "agreement.notice_expiry_30", "Expiry notice sent (30 days left)"
    AGREEMENT_NOTICE_SUCCESSOR = "agreement.notice_successor", "Successor solicitation notice sent"
    AMENDMENT_PROPOSED = "amendment.proposed", "Amendment proposed"
    AMENDMENT_APPROVED = "amendment.approved", "Amendment approved"
    AMENDMENT_REJECTED = "amendment.rejected", "Amendment rejected"
    MINICOMPETITION_STARTED = "minicompetition.started", "Mini-competition started"
    MINICOMPETITION_SCORED = "minicompetition.scored", "Mini-competition scored"
    MINICOMPETITION_DECIDED = "minicompetition.decided", "Mini-competition decided"
    QUOTE_REQUESTED = "quote.requested", "Quote requested"
    QUOTE_ANSWERED = "quote.answered", "Quote answered"
    PARTICIPATION_PREPARED = "participation.prepared", "Participation agreement prepared"
    PARTICIPATION_APPROVED = "participation.approved", "Participation agreement approved"
    PARTICIPATION_COUNTERSIGNED = "participation.countersigned", "Participation agreement countersigned"
    PARTICIPATION_WITHDRAWN = "participation.withdrawn", "Participation agreement withdrawn"
    PARTICIPATION_REJECTED = "participation.rejected", "Participation agreement rejected by the approver"

    # orders and rebates
    ORDER_DRAFTED = "order.drafted", "Order drafted"
    ORDER_SUBMITTED = "order.submitted", "Order submitted"
    ORDER_APPROVED = "order.approved", "Order approved"
    ORDER_ACKNOWLEDGED = "order.acknowledged", "Order acknowledged by the vendor"
    ORDER_FULFILLED = "order.fulfilled", "Order fulfilled"
    ORDER_CANCELLED = "order.cancelled", "Order cancelled"
    ORDER_REJECTED = "order.rejected", "Order rejected by the approver"
    REBATE_SETTLED = "rebate.settled", "Rebate settlement recorded"

    # matching: buyers' needs ("find the right edtech")
    NEED_SAVED = "need.saved", "Need saved"
    NEED_UNMET = "need.unmet", "Need kept as unmet (no good match on contract)"
    NEED_MATCHED = "need.matched", "Need now has a good match on contract"

    # reports: sales reports and fee invoices
    SALES_REPORT_SUBMITTED = "sales_report.submitted", "Sales report submitted"
    SALES_REPORT_REPLACED = "sales_report.replaced", "Sales report replaced"
    SALES_REPORT_ITEM_RESOLVED = "sales_report.item_resolved", "Reconciliation item resolved"
    SALES_REPORT_RECONCILED_AGAIN = "sales_report.reconciled_again", "Sales report reconciled again"
    SALES_REPORT_REMINDER_BEFORE_DUE = "sales_report.reminder_before_due", "Sales report reminder sent (due in 15 days)"
    SALES_REPORT_REMINDER_DUE = "sales_report.reminder_due", "Sales report reminder sent (due date reached)"
    FEE_INVOICE_ISSUED = "fee_invoice.issued", "Fee invoice issued"
    FEE_INVOICE_PAID = "fee_invoice.paid", "Fee invoice payment recorded"

    # surveys: needs surveys, members' answers, solicitations from pooled demand
    SURVEY_CREATED = "survey.created", "Needs survey drafted"
    SURVEY_UPDATED = "survey.updated", "Needs survey changed"
    SURVEY_PUBLISHED = "survey.published", "Needs survey published"
    SURVEY_CLOSED = "survey.closed", "Needs survey closed early"
    SURVEY_ANSWERS_SAVED = "survey.answers_saved", "Needs survey answers saved"
    SURVEY_ANSWERS_SUBMITTED = "survey.answers_submitted", "Needs survey answers submitted"
    SURVEY_REMINDER_SENT = "survey.reminder_sent", "Needs survey reminder sent"
    SURVEY_SOLICITATION_CREATED = "survey.solicitation_created", "Solicitation drafted from a needs survey"
    SURVEY_DISTRICTS_TOLD = "survey.districts_told", "Declaring districts told of the solicitation"
    SURVEY_NEED_LINKED = "survey.need_linked", "Existing solicitation linked to a survey's need"

    # prices: outside prices members and staff record
    OUTSIDE_PRICE_RECORDED = "outside_price.recorded", "Outside price recorded"
    OUTSIDE_PRICE_WITHDRAWN = "outside_price.withdrawn", "Outside price withdrawn"
    # usage: licence usage districts report (CSV or API)
    USAGE_IMPORTED = "usage.imported", "Licence usage imported"
    USAGE_REPLACED = "usage.replaced", "Licence usage of earlier months replaced by a new import"


def action_label(code: str) -> str:
    """The label of an action code; an unlisted code (none is recorded since the vocabulary, but
    the trail is append-only) is shown as it is."""
    try:
        return str(AuditAction(code).label)
    except ValueError:
        return code


def known_action(action: str) -> AuditAction:
    """The listed action `action` names; ValueError for any other."""
    try:
        return AuditAction(action)
    except ValueError:
        raise ValueError(f"Unknown audit action {action!r}: list it in audit/actions.py with its "
                         f"label.") from None


# Families: actions named after a step, state or kind a service holds at run time.

def _of_family(prefix: str, name: str, members: tuple[AuditAction, ...]) -> AuditAction:
    action = known_action(f"{prefix}.{name}")
    if action not in members:
        raise ValueError(f"{action.value!r} is not one of {[m.value for m in members]}.")
    return action


MEMBERSHIP_STEPS = (AuditAction.MEMBERSHIP_APPROVE_BOARD, AuditAction.MEMBERSHIP_SIGN_AGREEMENT,
                    AuditAction.MEMBERSHIP_ACTIVATE, AuditAction.MEMBERSHIP_SUSPEND,
                    AuditAction.MEMBERSHIP_REINSTATE, AuditAction.MEMBERSHIP_WITHDRAW)
ORDER_VENDOR_STEPS = (AuditAction.ORDER_ACKNOWLEDGED, AuditAction.ORDER_FULFILLED)
AMENDMENT_DECISIONS = (AuditAction.AMENDMENT_APPROVED, AuditAction.AMENDMENT_REJECTED)
PROTEST_DECISIONS = (AuditAction.PROTEST_UPHELD, AuditAction.PROTEST_DENIED)
BID_ARRIVALS = (AuditAction.BID_SUBMITTED, AuditAction.BID_REPLACED)
AGREEMENT_NOTICES = (AuditAction.AGREEMENT_NOTICE_EXPIRY_180, AuditAction.AGREEMENT_NOTICE_EXPIRY_90,
                     AuditAction.AGREEMENT_NOTICE_EXPIRY_30, AuditAction.AGREEMENT_NOTICE_SUCCESSOR)
SALES_REPORT_REMINDERS = (AuditAction.SALES_REPORT_REMINDER_BEFORE_DUE,
                          AuditAction.SALES_REPORT_REMINDER_DUE)


def membership_step(step: str) -> AuditAction:
    """A membership step of members.states.TRANSITIONS ("approve_board", ..., "withdraw")."""
    return _of_family("membership", step, MEMBERSHIP_STEPS)


def order_vendor_step(state: str) -> AuditAction:
    """The state a vendor's step takes an order to ("acknowledged", "fulfilled")."""
    return _of_family("order", state, ORDER_VENDOR_STEPS)


def amendment_decision(state: str) -> AuditAction:
    """An amendment's decided state ("approved", "rejected")."""
    return _of_family("amendment", state, AMENDMENT_DECISIONS)


def protest_decision(state: str) -> AuditAction:
    """A protest's decided state ("upheld", "denied")."""
    return _of_family("protest", state, PROTEST_DECISIONS)


def bid_arrival(receipt_action: str) -> AuditAction:
    """A bid receipt's action for a bid received ("submitted", "replaced")."""
    return _of_family("bid", receipt_action, BID_ARRIVALS)


def agreement_notice(kind: str) -> AuditAction:
    """An agreement notice's kind ("expiry_180", "expiry_90", "expiry_30", "successor")."""
    return _of_family("agreement", f"notice_{kind}", AGREEMENT_NOTICES)


def sales_report_reminder(kind: str) -> AuditAction:
    """A sales-report reminder's kind ("before_due", "due")."""
    return _of_family("sales_report", f"reminder_{kind}", SALES_REPORT_REMINDERS)
