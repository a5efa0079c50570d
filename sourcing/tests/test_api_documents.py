"""Documents through the API: a bid's PDFs (sealed like its prices) and a protest's supporting PDF,
sent base64-encoded inside JSON, listed with download addresses, readable only by those allowed."""

from __future__ import annotations

import base64
import datetime as dt

from sourcing.models import Bid, BidDocument
from sourcing.services.awards import award_issue_notice
from sourcing.services.evaluation import consensus_record
from tests.helpers import bid_data
from sourcing.tests.test_api import send
from tests.helpers import token

PROPOSAL = b"%PDF-1.4 TECHNICAL-PROPOSAL-OF-VENDOR-A"
REVISED = b"%PDF-1.4 REVISED-PROPOSAL-OF-VENDOR-A"
GROUNDS = b"%PDF-1.4 PROTEST-EXHIBIT-OF-VENDOR-B"


def doc(content: bytes, title: str = "Technical proposal") -> dict:
    return {"title": title, "filename": "proposal.pdf", "content_base64": base64.b64encode(content).decode()}


def body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content


def with_documents(*docs: dict, **kwargs) -> dict:
    return {**bid_data(**kwargs), "documents": list(docs)}


def test_bid_documents_through_the_api(client, cast, open_solicitation, clock):
    staff, vendor_a, vendor_b = token(cast.staff), token(cast.vendor_user_a), token(cast.vendor_user_b)
    base = f"/api/v1/solicitations/{open_solicitation.pk}"

    receipt = send(client, "PUT", base + "/bid", with_documents(doc(PROPOSAL)), vendor_a)
    assert receipt.status_code == 200, receipt.content
    assert [d["title"] for d in receipt.json()["bid"]["documents"]] == ["Technical proposal"]
    mine = client.get(base + "/bid", **vendor_a).json()
    [listed] = mine["documents"]
    assert listed["size"] == len(PROPOSAL) and listed["url"].startswith(f"/solicitations/{open_solicitation.pk}/")
    client.force_login(cast.vendor_user_a)
    assert body(client.get(listed["url"])) == PROPOSAL
    client.logout()
    # Sealed at rest: the media file holds no readable byte of the PDF.
    stored = BidDocument.objects.get(pk=listed["id"])
    assert b"TECHNICAL-PROPOSAL" not in stored.sealed_file.read()

    # Nobody else reads it before the deadline, staff included.
    client.force_login(cast.staff)
    assert client.get(listed["url"]).status_code == 403
    client.logout()

    # Bad documents: the error names the document; the bid is unchanged.
    bad = send(client, "PUT", base + "/bid", with_documents(doc(PROPOSAL), {"content_base64": "%%%"}),
               vendor_a)
    assert bad.status_code == 422 and "documents[2]" in bad.content.decode()
    not_pdf = send(client, "PUT", base + "/bid", with_documents(doc(b"MZ an executable")), vendor_a)
    assert not_pdf.status_code == 422 and "PDF" in not_pdf.content.decode()
    assert Bid.objects.get(solicitation=open_solicitation, vendor__legal_name="Vendor A, Inc.").revision == 1
    assert BidDocument.objects.count() == 1

    # A replacement without documents keeps them; one with documents replaces the set.
    send(client, "PUT", base + "/bid", bid_data(price1="285.00"), vendor_a)
    assert [d["id"] for d in client.get(base + "/bid", **vendor_a).json()["documents"]] == [listed["id"]]
    send(client, "PUT", base + "/bid", with_documents(doc(REVISED, "Revised proposal"), price1="284.00"),
         vendor_a)
    current = client.get(base + "/bid", **vendor_a).json()
    assert [d["title"] for d in current["documents"]] == ["Revised proposal"]
    assert [d["title"] for d in current["bid"]["documents"]] == ["Revised proposal"]
    send(client, "PUT", base + "/bid", bid_data(price1="283.00"), vendor_a)
    assert [d["title"] for d in client.get(base + "/bid", **vendor_a).json()["documents"]] == ["Revised proposal"]

    # After the deadline staff read every bid's current documents.
    send(client, "PUT", base + "/bid", bid_data(price1="279.00"), vendor_b)
    clock.set(open_solicitation.bids_open_at)
    bids = {b["vendor"]: b for b in client.get(base + "/bids", **staff).json()}
    assert bids["Vendor B LLC"]["documents"] == []
    [opened] = bids["Vendor A, Inc."]["documents"]
    assert opened["title"] == "Revised proposal"
    client.force_login(cast.staff)
    assert body(client.get(opened["url"])) == REVISED
    client.logout()
    client.force_login(cast.vendor_user_b)  # a competitor may not (nor after the award notice)
    assert client.get(opened["url"]).status_code == 403


def test_protest_with_a_document_through_the_api(client, cast, evaluating):
    staff, vendor_a, vendor_b = token(cast.staff), token(cast.vendor_user_a), token(cast.vendor_user_b)
    base = f"/api/v1/solicitations/{evaluating.pk}"
    for bid in evaluating.bids.all():
        for criterion in evaluating.criteria.filter(is_price=False):
            consensus_record(solicitation=evaluating, bid=bid, criterion=criterion, points=9, comment="Agreed",
                             actor=cast.actor(cast.staff))
    award_issue_notice(solicitation=evaluating, rationale="Best value", actor=cast.actor(cast.staff))

    refused = send(client, "POST", base + "/protests",
                   {"grounds": "Scoring error", "document": doc(b"not a pdf")}, vendor_b)
    assert refused.status_code == 422 and "document" in refused.content.decode()
    assert client.get(base + "/protests", **staff).json() == []  # nothing half-done

    filed = send(client, "POST", base + "/protests", {"grounds": "Scoring error", "document": doc(GROUNDS)},
                 vendor_b)
    assert filed.status_code == 201, filed.content
    url = filed.json()["document_url"]
    assert [p["grounds"] for p in client.get(base + "/protests", **staff).json()] == ["Scoring error"]
    assert client.get(base + "/protests", **vendor_b).json()[0]["document_url"] == url
    assert client.get(base + "/protests", **vendor_a).json() == []  # not theirs
    assert client.get(base + "/protests", **token(cast.buyer_a)).status_code == 403

    for user, status in ((cast.staff, 200), (cast.vendor_user_b, 200), (cast.vendor_user_a, 403),
                         (cast.buyer_a, 403)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status, user
        if status == 200:
            assert body(response) == GROUNDS
        client.logout()
    assert client.get(url).status_code in (302, 403)  # anonymous
    # Staff see the link on the management page.
    client.force_login(cast.staff)
    assert url.encode() in client.get(f"/solicitations/{evaluating.pk}/manage/").content


def test_bid_documents_are_not_public_after_the_award_notice(client, cast, open_solicitation, clock):
    """The award notice makes the bid tabulation public record, not the proposals."""
    from sourcing.services.solicitations import solicitation_start_evaluation

    staff_actor = cast.actor(cast.staff)
    vendor_a = token(cast.vendor_user_a)
    base = f"/api/v1/solicitations/{open_solicitation.pk}"
    assert send(client, "PUT", base + "/bid", with_documents(doc(PROPOSAL)), vendor_a).status_code == 200
    [listed] = client.get(base + "/bid", **vendor_a).json()["documents"]
    clock.set(open_solicitation.bid_deadline + dt.timedelta(hours=1))
    s = solicitation_start_evaluation(solicitation=open_solicitation, actor=staff_actor)
    bid = s.bids.get()
    for criterion in s.criteria.filter(is_price=False):
        consensus_record(solicitation=s, bid=bid, criterion=criterion, points=9, comment="Agreed",
                         actor=staff_actor)
    award_issue_notice(solicitation=s, rationale="Best value", actor=staff_actor)

    assert client.get(listed["url"]).status_code in (302, 403)  # anonymous
    for user, status in ((cast.vendor_user_b, 403), (cast.buyer_a, 403), (cast.staff, 200),
                         (cast.vendor_user_a, 200)):
        client.force_login(user)
        assert client.get(listed["url"]).status_code == status, user
        client.logout()
    # The public tabulation shows the prices but neither links to nor names the documents.
    page = client.get(f"/solicitations/{s.pk}/tabulation/").content.decode()
    assert "289.00" in page and listed["url"] not in page and "Technical proposal" not in page
    client.force_login(cast.staff)
    assert listed["url"] in client.get(f"/solicitations/{s.pk}/tabulation/").content.decode()


def test_a_large_document_gets_the_size_message_naming_it(client, cast, open_solicitation):
    """Base64 inside JSON is a third larger than the PDF: the request limit leaves room for a bid's
    documents at the size limit, so an oversized one is refused by the document check, by name."""
    from django.conf import settings as live

    limit = live.MAX_DOCUMENT_BYTES
    encoded_at_limit = (limit + 2) // 3 * 4
    assert live.DATA_UPLOAD_MAX_MEMORY_SIZE > live.MAX_DOCUMENTS_PER_REQUEST * encoded_at_limit
    vendor_a = token(cast.vendor_user_a)
    base = f"/api/v1/solicitations/{open_solicitation.pk}"
    eight_mb = b"%PDF-1.4 " + b"0" * (8 * 1024 * 1024)
    accepted = send(client, "PUT", base + "/bid", with_documents(doc(eight_mb)), vendor_a)
    assert accepted.status_code == 200, accepted.content[:300]
    assert [d["size"] for d in client.get(base + "/bid", **vendor_a).json()["documents"]] == [len(eight_mb)]

    too_large = b"%PDF-1.4 " + b"0" * limit
    refused = send(client, "PUT", base + "/bid",
                   with_documents(doc(PROPOSAL, "Small"), doc(too_large, "Too large")), vendor_a)
    assert refused.status_code == 422
    assert list(refused.json()["errors"]) == ["documents[2]"]
    assert f"larger than the limit of {limit:,} bytes" in refused.json()["detail"]

    too_many = send(client, "PUT", base + "/bid", with_documents(
        *[doc(PROPOSAL, f"Part {i}") for i in range(live.MAX_DOCUMENTS_PER_REQUEST + 1)]), vendor_a)
    assert too_many.status_code == 422 and "at most" in too_many.json()["errors"]["documents"][0]
    assert Bid.objects.get(solicitation=open_solicitation).revision == 1


def test_solicitation_and_addendum_documents_through_the_api(client, cast, draft):
    staff = token(cast.staff)
    base = f"/api/v1/solicitations/{draft.pk}"
    spec = b"%PDF-1.4 SPECIFICATION"
    added = send(client, "POST", base + "/documents", doc(spec, "Specification"), staff)
    assert added.status_code == 201, added.content
    assert send(client, "POST", base + "/documents", doc(spec, ""), staff).status_code == 422  # title
    assert send(client, "POST", base + "/documents", doc(spec), token(cast.vendor_user_a)).status_code == 403
    send(client, "POST", base + "/publish", headers=staff)
    assert body(client.get(added.json()["url"])) == spec  # public once published
    late = send(client, "POST", base + "/documents", doc(spec, "Late"), staff)
    assert late.status_code == 422 and "addendum" in late.content.decode()
    amended = send(client, "POST", base + "/addenda",
                   {"summary": "Revised specification", "document": doc(b"%PDF-1.4 REVISED", "Spec v2")}, staff)
    assert amended.status_code == 201, amended.content
    [listed] = amended.json()["documents"]
    assert listed["title"] == "Spec v2" and body(client.get(listed["url"])) == b"%PDF-1.4 REVISED"
    refused = send(client, "POST", base + "/addenda", {"summary": "x", "document": doc(b"not a pdf")}, staff)
    assert refused.status_code == 422 and client.get(base + "/addenda").json()[-1]["number"] == 1
