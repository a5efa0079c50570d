from django.urls import path

from sourcing.views import evaluator, lines, public, staff, vendor

app_name = "sourcing"
S = "solicitations/<id:solicitation_id>/"
urlpatterns = [
    path("solicitations/", public.solicitation_list, name="list"),
    path("solicitations/new/", staff.solicitation_new, name="new"),
    path(S, public.solicitation_detail, name="detail"),
    path(S + "documents/<id:document_id>/", public.document_download, name="document"),
    path(S + "tabulation/", public.tabulation, name="tabulation"),
    path(S + "tabulation.csv", public.tabulation_csv, name="tabulation-csv"),
    path(S + "tabulation.xlsx", public.tabulation_xlsx, name="tabulation-xlsx"),
    path(S + "bids/<id:bid_id>/documents/<id:document_id>/", public.bid_document, name="bid-document"),
    path(S + "protests/<id:protest_id>/document/", public.protest_document, name="protest-document"),
    # staff
    path(S + "edit/", staff.solicitation_edit, name="edit"),
    path(S + "manage/", staff.manage, name="manage"),
    path(S + "lines/add/", lines.line_add, name="line-add"),
    path(S + "lines/<id:line_id>/remove/", lines.line_remove, name="line-remove"),
    path(S + "publish/", staff.publish, name="publish"),
    path(S + "documents/add/", staff.document_add, name="document-add"),
    path(S + "addenda/", staff.addendum, name="addendum"),
    path(S + "questions/<id:question_id>/answer/", staff.answer, name="answer"),
    path(S + "start-evaluation/", staff.start_evaluation, name="start-evaluation"),
    path(S + "committee/", staff.seat, name="seat"),
    path(S + "consensus/<id:bid_id>/<id:criterion_id>/", staff.consensus, name="consensus"),
    path(S + "award-plan/", staff.award_plan_compute, name="award-plan"),
    path(S + "award-notice/", staff.award_notice, name="award-notice"),
    path(S + "protests/<id:protest_id>/decision/", staff.protest_decide, name="protest-decide"),
    path(S + "cancel/", staff.cancel, name="cancel"),
    # vendors
    path(S + "bid/", vendor.bid, name="bid"),
    path(S + "bid/withdraw/", vendor.bid_withdraw, name="bid-withdraw"),
    path(S + "bid/confirm/", vendor.bid_confirm, name="bid-confirm"),
    path(S + "bid/receipts/<id:receipt_id>/", vendor.receipt, name="receipt"),
    path(S + "follow/", vendor.follow, name="follow"),
    path(S + "questions/", vendor.ask, name="ask"),
    path(S + "protests/", vendor.protest, name="protest"),
    # evaluators
    path(S + "evaluate/", evaluator.evaluate, name="evaluate"),
    path(S + "scores/", evaluator.scores_save, name="scores"),
    path(S + "scores/<id:bid_id>/<id:criterion_id>/", evaluator.score, name="score"),
]
