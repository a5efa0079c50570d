"""The evaluator scores every proposal on every criterion in one grid with one save: all the
scores typed are recorded (each audited), or none when one cell is refused, which is named."""

from __future__ import annotations

import re

from audit.actions import AuditAction
from audit.models import AuditEvent
from sourcing.models import Score
from tests.helpers import login


def _grid(client, s):
    page = client.get(f"/solicitations/{s.pk}/evaluate/")
    assert page.status_code == 200
    return page.content.decode()


def test_one_post_saves_every_cell(client, cast, evaluating):
    s = evaluating
    login(client, cast.evaluator)
    page = _grid(client, s)
    names = re.findall(r'name="(points-\d+-\d+)"', page)
    responsive = [b for b in s.bids.all() if f"points-{b.pk}-" in page]
    criteria = [c for c in s.criteria.all() if not c.is_price]
    assert len(names) == len(responsive) * len(criteria) >= 2  # every proposal x every criterion
    assert "Functionality <span class=\"muted\">(worth 35 points)</span>" in page
    for name in names:  # each input has its label
        assert f'<label for="{name}">' in page and f'<label for="comment-{name[7:]}">' in page
    data = {name: str(5 + i) for i, name in enumerate(names)}
    data[f"comment-{names[0][7:]}"] = "Strong support plan"
    response = client.post(f"/solicitations/{s.pk}/scores/", data)
    assert response.status_code == 302
    assert Score.objects.filter(seat__solicitation=s).count() == len(names)
    assert AuditEvent.objects.filter(action=AuditAction.EVALUATION_SCORED).count() == len(names)
    first = Score.objects.get(bid_id=int(names[0].split("-")[1]), criterion_id=int(names[0].split("-")[2]))
    assert first.points == 5 and first.comment == "Strong support plan"
    page = _grid(client, s)
    assert f'name="{names[-1]}" type="number" min="0" max="10" step="0.5" inputmode="decimal" value="{4 + len(names)}"' in page


def test_one_bad_cell_saves_none_and_is_named(client, cast, evaluating):
    s = evaluating
    login(client, cast.evaluator)
    names = re.findall(r'name="(points-\d+-\d+)"', _grid(client, s))
    data = {name: "7" for name in names}
    bad = names[-1]
    data[bad] = "12"
    response = client.post(f"/solicitations/{s.pk}/scores/", data)
    text = response.content.decode()
    assert response.status_code == 400
    assert Score.objects.filter(seat__solicitation=s).count() == 0
    assert not AuditEvent.objects.filter(action=AuditAction.EVALUATION_SCORED).exists()
    bid_id, criterion_id = (int(x) for x in bad.split("-")[1:])
    criterion = s.criteria.get(pk=criterion_id)
    label = "Vendor A, Inc." if s.bids.get(pk=bid_id).vendor_id == cast.vendor_a.pk else "Vendor B LLC"
    assert "Nothing was saved: 1 cell to correct" in text
    assert f'<a href="#{bad}">{label}, {criterion.name} (score): A score from 0 to 10 is required.</a>' in text
    assert f'id="{bad}" name="{bad}" type="number"' in text
    assert f'value="12" style="width:5rem" aria-invalid="true" aria-describedby="{bad}-error"' in text
    assert text.count('aria-invalid="true"') == 1
    assert f'name="{names[0]}" type="number" min="0" max="10" step="0.5" inputmode="decimal" value="7"' in text  # typed values kept


def test_empty_cells_are_left_for_later_and_a_comment_needs_a_score(client, cast, evaluating):
    s = evaluating
    login(client, cast.evaluator)
    names = re.findall(r'name="(points-\d+-\d+)"', _grid(client, s))
    assert client.post(f"/solicitations/{s.pk}/scores/", {names[0]: "6"}).status_code == 302
    assert Score.objects.filter(seat__solicitation=s).count() == 1
    response = client.post(f"/solicitations/{s.pk}/scores/", {names[0]: "6.5", f"comment-{names[1][7:]}": "why"})
    assert response.status_code == 400 and Score.objects.get().points == 6  # none saved


def test_the_grid_is_not_shown_before_the_declaration(client, cast, open_solicitation):
    from sourcing.services.evaluation import evaluator_seat
    evaluator_seat(solicitation=open_solicitation, assignment=cast.evaluator.role_assignments.get(),
                   actor=cast.actor(cast.staff))
    login(client, cast.evaluator)
    page = client.get(f"/solicitations/{open_solicitation.pk}/evaluate/").content.decode()
    assert 'name="points-' not in page and "Your scores" not in page
    response = client.post(f"/solicitations/{open_solicitation.pk}/scores/", {})
    assert response.status_code == 302 and not Score.objects.exists()
