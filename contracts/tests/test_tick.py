from __future__ import annotations

import datetime as dt

from django.core import mail
from django.core.management import call_command

from contracts.models import AgreementNotice
from contracts.services.agreements import agreement_renew


def run_tick(capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("tick")
    return capsys.readouterr().out


def test_expiry_notices_once_each(cast, agreements, clock, capsys, django_capture_on_commit_callbacks):
    agreement = agreements[cast.vendor_a.pk]
    assert "expiry notices sent: 0" in run_tick(capsys, django_capture_on_commit_callbacks)
    clock.set(clock.now() + dt.timedelta(days=(agreement.end_date - clock.today()).days - 170))
    out = run_tick(capsys, django_capture_on_commit_callbacks)
    assert "expiry notices sent: 2" in out  # both agreements end the same day
    first = len(mail.outbox)
    assert first >= 2 and any("staff@example.org" in m.to for m in mail.outbox)
    out = run_tick(capsys, django_capture_on_commit_callbacks)  # run twice: nothing more
    assert "expiry notices sent: 0" in out and len(mail.outbox) == first
    clock.set(clock.now() + dt.timedelta(days=100))
    assert "expiry notices sent: 2" in run_tick(capsys, django_capture_on_commit_callbacks)
    assert set(AgreementNotice.objects.values_list("kind", flat=True)) == {"expiry_180", "expiry_90"}


def test_a_late_first_run_sends_only_the_nearest_notice(cast, agreements, clock, capsys,
                                                        django_capture_on_commit_callbacks):
    agreement = agreements[cast.vendor_a.pk]
    clock.set(clock.now() + dt.timedelta(days=(agreement.end_date - clock.today()).days - 20))
    run_tick(capsys, django_capture_on_commit_callbacks)
    assert list(agreement.notices.values_list("kind", flat=True)) == ["expiry_30"]


def test_renewal_restarts_the_notices(cast, agreements, clock, capsys, django_capture_on_commit_callbacks):
    agreement = agreements[cast.vendor_a.pk]
    clock.set(clock.now() + dt.timedelta(days=(agreement.end_date - clock.today()).days - 20))
    run_tick(capsys, django_capture_on_commit_callbacks)
    renewed = agreement_renew(agreement=agreement, actor=cast.actor(cast.staff))
    clock.set(clock.now() + dt.timedelta(days=(renewed.end_date - clock.today()).days - 20))
    run_tick(capsys, django_capture_on_commit_callbacks)
    assert AgreementNotice.objects.filter(agreement=agreement, kind="expiry_30").count() == 2


def test_successor_notice_once(cast, agreements, clock, capsys, django_capture_on_commit_callbacks):
    for agreement in agreements.values():
        agreement_renew(agreement=agreement, actor=cast.actor(cast.staff))
    clock.set(clock.now() + dt.timedelta(days=365 * 3 + 5))
    assert "successor notices sent: 2" in run_tick(capsys, django_capture_on_commit_callbacks)
    assert "successor notices sent: 0" in run_tick(capsys, django_capture_on_commit_callbacks)
