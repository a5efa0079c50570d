"""Questions from vendors and answers published to all bidders (the asker is not named)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.urls import reverse

from accounts.acting import Actor, require_staff
from core.limits import LONG_TEXT_MAX, check_text
from audit.actions import AuditAction
from audit.services import audit_record
from core.notify import notify
from sourcing.models import Bid, Question, Solicitation
from sourcing.services.common import require_vendor, vendor_emails
from vendors.models import Vendor
from core.locks import lock


@transaction.atomic
def question_ask(*, solicitation: Solicitation, text: str, actor: Actor) -> Question:
    vendor = require_vendor(actor, "ask questions")
    solicitation = Solicitation.objects.get(pk=solicitation.pk)
    now = timezone.now()
    if not solicitation.accepting_questions(now):
        raise ValidationError("Questions are closed for this solicitation (the questions deadline "
                              f"was {timezone.localtime(solicitation.questions_deadline):%Y-%m-%d %H:%M %Z}).")
    text = check_text(text, field="text", max_length=5000)
    if not text:
        raise ValidationError({"text": "Write the question."})
    question = Question.objects.create(solicitation=solicitation, vendor=vendor,
                                       text=text, asked_at=now)
    audit_record(actor=actor, action=AuditAction.QUESTION_ASKED, obj=question,
                 after={"solicitation": solicitation.pk, "text": question.text})
    return question


@transaction.atomic
def question_answer(*, question: Question, answer: str, actor: Actor) -> Question:
    """Publish the answer to everybody (vendors following or bidding are emailed)."""
    require_staff(actor, "answer questions")
    question = lock(Question.objects.all()).get(pk=question.pk)
    answer = check_text(answer, field="answer", max_length=LONG_TEXT_MAX)
    if not answer:
        raise ValidationError({"answer": "Write the answer."})
    before = {"answer": question.answer}
    question.answer, question.answered_at = answer.strip(), timezone.now()
    question.save(update_fields=["answer", "answered_at"])
    audit_record(actor=actor, action=AuditAction.QUESTION_ANSWERED, obj=question, before=before,
                 after={"answer": question.answer})
    solicitation = question.solicitation
    vendors = set(Vendor.objects.filter(follows__solicitation=solicitation)) | set(
        Vendor.objects.filter(bids__solicitation=solicitation, bids__state=Bid.State.SUBMITTED))
    notify(recipients=[e for v in vendors for e in vendor_emails(v)],
           subject=f"Question answered on {solicitation.number}",
           body=f"Q: {question.text}\n\nA: {question.answer}",
           link=reverse("sourcing:detail", kwargs={"solicitation_id": solicitation.pk}))
    return question
