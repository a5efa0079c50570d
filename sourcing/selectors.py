"""Reading solicitations and bids. The only place bids are unsealed, and only when the clock and
the reader allow it: whole bids per `bid_reading_refusal` (staff and declared evaluators after the
deadline), the bid tabulation per `tabulation_refusal` (also everybody after the award notice).

Reading sealed content is itself on the record: the first read after the deadline records the
opening, and every read of whole bids or bid documents by staff and evaluators (and every export)
is an audit event, written by `sourcing.services.opening` before the content is unsealed. A
vendor reading its own bid, and the public reading the tabulation, are not recorded."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Optional

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.acting import EVALUATOR, STAFF, VENDOR, Actor, acts_as
from accounts.models import RoleAssignment
from sourcing import policy, sealing
from sourcing.lifecycle import current_award, effective_state
from sourcing.receipts import Receipt, receipt_of, rising_prices
from sourcing.models import (Award, Bid, BidDocument, BidReceipt, ConsensusScore, EvaluatorSeat, Protest,
                             Question, Score, Solicitation)
from sourcing.models.evaluation import DeclaredBidder
from sourcing.services import opening
from sourcing.states import PUBLIC_STATES, SolicitationState as S
from sourcing.tabulation import BidEvaluation, OpenedBid, evaluate
from vendors.models import Vendor


def solicitation_list(*, actor: Optional[Actor], state: str = "", q: str = "") -> QuerySet[Solicitation]:
    """Staff see drafts too; everyone else sees published solicitations."""
    qs = Solicitation.objects.select_related("category").annotate(
        bid_count=Count("bids", filter=Q(bids__state=Bid.State.SUBMITTED)))
    if actor is None or actor.role != STAFF:
        qs = qs.exclude(state=S.DRAFT)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(number__icontains=q) | Q(description__icontains=q))
    now = timezone.now()
    if state == S.PUBLISHED:
        qs = qs.filter(state=S.PUBLISHED, bid_deadline__gt=now)
    elif state == S.CLOSED:
        qs = qs.filter(state=S.PUBLISHED, bid_deadline__lte=now)
    elif state:
        qs = qs.filter(state=state)
    return qs.order_by("-bid_deadline")


def solicitation_get(*, solicitation_id: int, actor: Optional[Actor]) -> Solicitation:
    solicitation = Solicitation.objects.select_related("category").filter(pk=solicitation_id).first()
    if solicitation is None or (solicitation.state == S.DRAFT
                                and (actor is None or actor.role != STAFF)):
        raise Solicitation.DoesNotExist(f"No solicitation {solicitation_id}.")
    return solicitation


def bid_count(solicitation: Solicitation) -> int:
    """How many bids are in (submitted, not withdrawn). Not for display before the deadline:
    pages and the API show `bid_count_shown`."""
    return solicitation.bids.filter(state=Bid.State.SUBMITTED).count()


def bid_count_shown(solicitation: Solicitation, now: Optional[dt.datetime] = None) -> Optional[int]:
    """The number of bids received as everybody (consortium staff included) may see it: once the
    bids have opened at the deadline, or before if the consortium publishes it
    (`policy.bid_count_public`, off by default); None while it is hidden. Uses the `bid_count`
    annotation of `solicitation_list` when present."""
    if solicitation.state == S.DRAFT:
        return 0
    if not solicitation.bids_opened(now) and not policy.bid_count_public():
        return None
    annotated = getattr(solicitation, "bid_count", None)
    return annotated if isinstance(annotated, int) else bid_count(solicitation)


def public_questions(solicitation: Solicitation) -> QuerySet[Question]:
    """Answered questions, for everybody, without the asker."""
    return solicitation.questions.exclude(answer="").order_by("asked_at")


def evaluator_seat_for(actor: Optional[Actor], solicitation: Solicitation) -> Optional[EvaluatorSeat]:
    if actor is None or actor.user is None or actor.role != EVALUATOR:
        return None
    return EvaluatorSeat.objects.filter(solicitation=solicitation, evaluator=actor.user,
                                        district=actor.organisation).first()


def sealed_message(solicitation: Solicitation) -> str:
    """Why bids cannot be read yet, and when they can."""
    return (f"Bids are sealed until the deadline, {timezone.localtime(solicitation.bid_deadline):%Y-%m-%d %H:%M %Z}; "
            f"they open at {timezone.localtime(solicitation.bids_open_at):%H:%M:%S}, once every bid "
            f"received in time is stored.")


def bid_reading_refusal(solicitation: Solicitation, actor: Optional[Actor],
                        now: Optional[dt.datetime] = None) -> Optional[str]:
    """None if `actor` may read every bid of `solicitation` now (its whole content, notes and salt
    included, and its documents); otherwise why not. Consortium staff and the evaluators who
    declared no conflict, once the deadline has passed; nobody else, ever (a vendor reads its own
    bid through `own_bid`). The bid tabulation has its own, wider rule: `tabulation_refusal`."""
    now = now or timezone.now()
    if not solicitation.bids_opened(now):
        return sealed_message(solicitation)
    if acts_as(actor, STAFF):
        return None
    seat = evaluator_seat_for(actor, solicitation)
    if seat is not None:
        if seat.may_see_proposals:
            return None
        if seat.declaration == EvaluatorSeat.Declaration.PENDING:
            return "Sign your conflict-of-interest declaration before seeing proposals."
        return "You declared a conflict of interest and are not on this committee."
    return ("Bids and their documents are shown to consortium staff and the evaluation committee "
            "only; the bid tabulation becomes public record when the award notice is published.")


def tabulation_is_public(solicitation: Solicitation, now: Optional[dt.datetime] = None) -> bool:
    """The bid tabulation is public record once an award notice has been published (it stays so
    if a protest reopens the evaluation)."""
    now = now or timezone.now()
    return solicitation.bids_opened(now) and solicitation.awards.filter(
        notice_published_at__lte=now).exists()


def tabulation_refusal(solicitation: Solicitation, actor: Optional[Actor],
                       now: Optional[dt.datetime] = None) -> Optional[str]:
    """None if `actor` may see the bid tabulation (page, JSON, CSV, XLSX) now: whoever may read
    the bids, and everybody once the award notice is published; otherwise why not."""
    refusal = bid_reading_refusal(solicitation, actor, now)
    if refusal is None or tabulation_is_public(solicitation, now):
        return None
    return refusal


@dataclass(frozen=True)
class Bidder:
    """A company that bid: its name only, for evaluators' declarations."""
    vendor_id: int
    name: str


def declaration_refusal(solicitation: Solicitation, now: Optional[dt.datetime] = None) -> Optional[str]:
    """None while evaluators may sign their conflict-of-interest declaration: from the bid
    deadline (who bid is confidential until then, and the declaration names the bidders) until
    the award is final or the solicitation is cancelled; otherwise why not."""
    now = now or timezone.now()
    if not solicitation.bids_opened(now):
        return ("The conflict-of-interest declaration opens at the bid deadline, "
                f"{timezone.localtime(solicitation.bid_deadline):%Y-%m-%d %H:%M %Z}: who bid is "
                "confidential until then. You will then declare, for each bidder, any relationship "
                "with it.")
    if effective_state(solicitation, now) in (S.AWARDED, S.CANCELLED):
        return "The evaluation of this solicitation is over."
    return None


def declaration_bidders(*, solicitation: Solicitation, actor: Optional[Actor]) -> list[Bidder]:
    """The companies that bid (names only, no bid content), for the declaration of an evaluator
    seated on the committee (staff see them too), once bids have opened."""
    if not acts_as(actor, STAFF) and evaluator_seat_for(actor, solicitation) is None:
        raise PermissionDenied("Only the evaluators seated on this solicitation's committee declare "
                               "against its bidders.")
    if not solicitation.bids_opened():
        raise PermissionDenied("Who bid is confidential until the bid deadline, "
                               f"{timezone.localtime(solicitation.bid_deadline):%Y-%m-%d %H:%M %Z}.")
    bids = (solicitation.bids.filter(state=Bid.State.SUBMITTED).select_related("vendor")
            .order_by("vendor__legal_name", "vendor_id"))
    return [Bidder(vendor_id=b.vendor_id, name=b.vendor.legal_name) for b in bids]


def declared_bidders(seat: EvaluatorSeat) -> QuerySet[DeclaredBidder]:
    return seat.declared_bidders.all()


def _unseal(bid: Bid) -> dict[str, Any]:
    raw = sealing.unseal(bid.sealed, solicitation_id=bid.solicitation_id, context=f"bid:{bid.pk}")
    return json.loads(raw)


@dataclass(frozen=True)
class BidDocumentInfo:
    """A bid document's metadata, unsealed (title, the vendor's file name, digest); never its
    bytes (see `bid_document_content`)."""
    pk: int
    bid_id: int
    revision: int
    title: str
    filename: str
    size: int
    sha256: str
    uploaded_at: dt.datetime


def _document_info(document: BidDocument, solicitation_id: int) -> BidDocumentInfo:
    meta: dict[str, Any] = {}
    if document.sealed_meta:
        meta = json.loads(sealing.unseal(document.sealed_meta, solicitation_id=solicitation_id,
                                         context=sealing.document_meta_context(document.bid_id)))
    return BidDocumentInfo(pk=document.pk, bid_id=document.bid_id, revision=document.revision,
                           title=meta.get("title") or "Document", filename=meta.get("filename", ""),
                           size=document.size, sha256=meta.get("sha256", ""),
                           uploaded_at=document.uploaded_at)


def _latest_set(documents: list[BidDocument], solicitation_id: int) -> list[BidDocumentInfo]:
    """A bid's current documents: the set uploaded with its latest revision that had any (a
    replacement without documents keeps the previous set), with their sealed metadata opened."""
    latest = max((d.revision for d in documents), default=None)
    return [_document_info(d, solicitation_id)
            for d in sorted((d for d in documents if d.revision == latest), key=lambda d: d.pk)]


def current_bid_documents(bid: Bid) -> list[BidDocumentInfo]:
    """The vendor's own bid's current documents: metadata only (title, file name, size, digest);
    the bytes stay sealed (see `sourcing.sealing`)."""
    return _latest_set(list(bid.documents.all()), bid.solicitation_id)


def _opened(solicitation: Solicitation, *, whole: bool) -> list[OpenedBid]:
    """Every submitted bid, unsealed. `whole=False` keeps only what the tabulation shows (lines
    and attestations), without notes, salt or documents."""
    bids = (solicitation.bids.filter(state=Bid.State.SUBMITTED)
            .select_related("vendor").prefetch_related("documents").order_by("submitted_at", "pk"))
    opened = []
    for b in bids:
        content = _unseal(b)
        if not whole:
            content = {"lines": content.get("lines", []), "attestations": content.get("attestations", {})}
        opened.append(OpenedBid(bid_id=b.pk, vendor_id=b.vendor_id, vendor_name=b.vendor.legal_name,
                                submitted_at=b.submitted_at, revision=b.revision, digest=b.digest,
                                addenda_confirmed=b.addenda_confirmed, content=content,
                                documents=_latest_set(list(b.documents.all()), b.solicitation_id)
                                if whole else []))
    return opened


def opened_bids(*, solicitation: Solicitation, actor: Optional[Actor],
                purpose: str = "bids") -> list[OpenedBid]:
    """Every bid, whole (notes, salt, documents): see `bid_reading_refusal`. The read is
    recorded (`purpose` says what for), and the first one after the deadline records the
    opening (`sourcing.services.opening`)."""
    refusal = bid_reading_refusal(solicitation, actor)
    if refusal:
        raise PermissionDenied(refusal)
    with transaction.atomic():  # a bid this server cannot unseal: the read is not recorded either
        opening.bids_read_record(solicitation=solicitation, actor=actor, what=purpose)
        return _opened(solicitation, whole=True)


def tabulated_bids(*, solicitation: Solicitation, actor: Optional[Actor],
                   purpose: str = "tabulation", export_format: str = "") -> list[OpenedBid]:
    """Every bid as the tabulation shows it: whole for those who may read the bids (recorded,
    as an export when `export_format` is given); otherwise (the public record after the award
    notice, not recorded) lines and attestations only."""
    if bid_reading_refusal(solicitation, actor) is None:
        with transaction.atomic():
            opening.bids_read_record(solicitation=solicitation, actor=actor, what=purpose,
                                     export_format=export_format)
            return _opened(solicitation, whole=True)
    refusal = tabulation_refusal(solicitation, actor)
    if refusal:
        raise PermissionDenied(refusal)
    with transaction.atomic():
        if solicitation.bids_opened_at is None:  # never read before the award notice: open them now
            opening.bids_open(solicitation=solicitation, actor=actor)
        return _opened(solicitation, whole=False)


def bid_document_content(*, solicitation: Solicitation, bid_id: int, document_id: int,
                         actor: Optional[Actor]) -> tuple[BidDocument, bytes]:
    """A bid document's bytes: for its own vendor any time; for staff and declared evaluators
    after the deadline (recorded); never public (the award notice makes the tabulation public
    record, not proposals). Raises BidDocument.DoesNotExist or PermissionDenied."""
    document = BidDocument.objects.select_related("bid__vendor", "bid__solicitation").get(
        pk=document_id, bid_id=bid_id, bid__solicitation=solicitation)
    own = acts_as(actor, VENDOR, document.bid.vendor.organisation)
    if not own:
        refusal = bid_reading_refusal(solicitation, actor)
        if refusal:
            raise PermissionDenied(refusal)
    with transaction.atomic():
        if not own:
            opening.bid_document_read_record(document=document, actor=actor)
        content = sealing.unseal(document.sealed_file.read(), solicitation_id=solicitation.pk,
                                 context=f"bid-doc:{document.bid_id}")
    return document, content


def own_bid(*, solicitation: Solicitation, vendor: Vendor) -> Optional[tuple[Bid, dict[str, Any]]]:
    """The vendor's own bid with its content (any time: it is theirs)."""
    bid = solicitation.bids.filter(vendor=vendor).first()
    if bid is None:
        return None
    return bid, _unseal(bid)


def own_bid_record(*, solicitation: Solicitation, vendor: Optional[Vendor]) -> Optional[Bid]:
    """The vendor's own bid, still sealed (its state, revision, digest; not its content): what a
    page needs to say whether and how the vendor has bid. None without a vendor or a bid."""
    if vendor is None:
        return None
    return solicitation.bids.filter(vendor=vendor).first()


def own_receipts(*, solicitation: Solicitation, vendor: Vendor) -> QuerySet[BidReceipt]:
    return BidReceipt.objects.filter(bid__solicitation=solicitation, bid__vendor=vendor)


def own_receipt(*, solicitation: Solicitation, vendor: Vendor, receipt_id: int) -> Optional[Receipt]:
    """One of the vendor's receipts, to download. A receipt of the bid's current submitted or
    replaced version carries the bid (unsealed: it is theirs) and its warnings; older receipts,
    re-confirmations and withdrawals only their digest. None if no such receipt is the vendor's."""
    stored = (own_receipts(solicitation=solicitation, vendor=vendor)
              .select_related("bid__solicitation", "bid__vendor").filter(pk=receipt_id).first())
    if stored is None:
        return None
    bid = stored.bid
    if (bid.digest == stored.digest
            and stored.action in (BidReceipt.Action.SUBMITTED, BidReceipt.Action.REPLACED)):
        content = _unseal(bid)
        return receipt_of(stored, canonical_bid=content, warnings=rising_prices(content))
    return receipt_of(stored)


def evaluation(*, solicitation: Solicitation, actor: Optional[Actor],
               include_evaluator_scores: bool = True, purpose: str = "evaluation") -> list[BidEvaluation]:
    """The evaluation of every bid, for those who may read the bids (see `bid_reading_refusal`);
    the read is recorded."""
    return _evaluation(solicitation, opened_bids(solicitation=solicitation, actor=actor, purpose=purpose),
                       include_evaluator_scores)


def tabulation(*, solicitation: Solicitation, actor: Optional[Actor], purpose: str = "tabulation",
               export_format: str = "") -> list[BidEvaluation]:
    """The bid tabulation (see `tabulation_refusal`); after the award notice, for everybody, from
    the bids' lines and attestations only. Reads by staff and evaluators are recorded."""
    return _evaluation(solicitation, tabulated_bids(solicitation=solicitation, actor=actor, purpose=purpose,
                                                    export_format=export_format), True)


def _evaluation(solicitation: Solicitation, bids: list[OpenedBid],
                include_evaluator_scores: bool) -> list[BidEvaluation]:
    consensus = {(c.bid_id, c.criterion.name): c.points
                 for c in ConsensusScore.objects.filter(bid__solicitation=solicitation)
                 .select_related("criterion")}
    scores: dict[tuple[int, str], list[Decimal]] = {}
    if include_evaluator_scores:
        for s in Score.objects.filter(bid__solicitation=solicitation,
                                      seat__declaration=EvaluatorSeat.Declaration.NO_CONFLICT
                                      ).select_related("criterion"):
            scores.setdefault((s.bid_id, s.criterion.name), []).append(s.points)
    return evaluate(
        solicitation_lines=list(solicitation.lines.values("reference", "estimated_quantity")),
        requirements=list(solicitation.requirements.values("code", "text")),
        criteria=[{"name": c.name, "weight": c.weight, "is_price": c.is_price}
                  for c in solicitation.criteria.all()],
        addenda=solicitation.addenda.count(), bids=bids, consensus=consensus,
        evaluator_scores=scores)


def my_scores(*, seat: EvaluatorSeat) -> dict[tuple[int, int], Score]:
    return {(s.bid_id, s.criterion_id): s for s in seat.scores.all()}


@dataclass(frozen=True)
class AwardView:
    award: Award
    final: bool
    open_protests: int


def award_view(solicitation: Solicitation) -> Optional[AwardView]:
    award = current_award(solicitation)
    if award is None:
        return None
    open_protests = award.protests.filter(state=Protest.State.OPEN).count()
    return AwardView(award=award, open_protests=open_protests,
                     final=effective_state(solicitation) == S.AWARDED)


def awards_history(solicitation: Solicitation) -> QuerySet[Award]:
    return solicitation.awards.prefetch_related("awarded_bids__vendor", "protests").order_by("-version")


def eligible_evaluators(solicitation: Solicitation) -> QuerySet[RoleAssignment]:
    """Whom staff may seat: evaluators of active member districts not yet on the committee."""
    from members.selectors import member_directory

    return (RoleAssignment.objects.filter(
        role=EVALUATOR, organisation__in=member_directory().values("district__organisation"))
        .exclude(user__in=solicitation.seats.values("evaluator"))
        .select_related("user", "organisation").order_by("organisation__name", "user__email"))


def seats(solicitation: Solicitation) -> QuerySet[EvaluatorSeat]:
    return solicitation.seats.select_related("evaluator", "district").order_by("seated_at")


def vendor_has_bid(solicitation: Solicitation, vendor: Vendor) -> bool:
    return solicitation.bids.filter(vendor=vendor, state=Bid.State.SUBMITTED).exists()


def is_public(solicitation: Solicitation) -> bool:
    return effective_state(solicitation) in PUBLIC_STATES


def protest_document_refusal(protest: Protest, actor: Optional[Actor]) -> Optional[str]:
    """None if `actor` may read the protest's supporting document: consortium staff, who decide
    it, and the protesting vendor; otherwise why not."""
    if acts_as(actor, STAFF):
        return None
    if acts_as(actor, VENDOR, protest.vendor.organisation):
        return None
    return "A protest's document is shown to consortium staff and to the vendor that filed it."


def protests_for(*, solicitation: Solicitation, actor: Actor) -> QuerySet[Protest]:
    """Staff see every protest of the solicitation; a vendor sees its own."""
    qs = (Protest.objects.filter(award__solicitation=solicitation)
          .select_related("vendor", "award").order_by("filed_at", "pk"))
    if actor.role == STAFF:
        return qs
    if actor.role == VENDOR:
        return qs.filter(vendor__organisation=actor.organisation)
    return qs.none()
