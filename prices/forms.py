"""The form to record an outside price. It reads the fields; `prices.services` checks them (the
same rules for the page and the API) and its errors land on these fields."""

from __future__ import annotations

from django import forms
from django.db.models import Q

from core.limits import ID_MAX, NOTE_MAX, SHORT_TEXT_MAX
from members.fields import DistrictSearchField
from prices.models import Match, SourceKind


class MemberDistrictField(DistrictSearchField):
    """A member district chosen by typing (suggestions as they type: 13,000 members at the national
    shape, not a drop-down), cleaned to its id. An id posted as it is (a client's, a link's) is
    taken when it is a member's."""

    def to_python(self, value):
        text = str(value or "").strip()
        district = None
        if text.isascii() and text.isdigit() and int(text) <= ID_MAX:  # "²" is a digit to isdigit
            within = self.within()
            # a district's own code typed (CDS or NCES id, all digits) is that district, not an id
            by_code = list(within.filter(Q(nces_leaid=text) | Q(state_leaid__endswith=f"-{text}"))[:2])
            district = by_code[0] if len(by_code) == 1 else within.filter(pk=int(text)).first()
        return district if district is not None else super().to_python(text)

    def clean(self, value):
        district = super().clean(value)
        return district.pk if district is not None else None


class OutsidePriceForm(forms.Form):
    product_id = forms.TypedChoiceField(label="Catalog product it compares with", required=False, coerce=int,
                                        empty_value=None,
                                        help_text="Leave empty for a product the catalog does not carry.")
    match = forms.ChoiceField(label="Is it the same product or an equivalent one?", choices=Match.choices,
                              initial=Match.SAME)
    description = forms.CharField(label="What was priced", max_length=SHORT_TEXT_MAX,
                                  help_text='As the source names it, e.g. "Chromebook 11 G9, 4 GB, with licence".')
    unit_price = forms.CharField(label="Unit price ($)", max_length=20,
                                 help_text="The price of one unit, in dollars and cents, e.g. 279.00.")
    quantity = forms.IntegerField(label="Quantity it was priced for", min_value=1, max_value=1_000_000, initial=1)
    seen_on = forms.DateField(label="Date seen", widget=forms.DateInput(attrs={"type": "date"}),
                              help_text="Not in the future; at most five years back.")
    source_kind = forms.ChoiceField(label="Source", choices=SourceKind.choices)
    source_name = forms.CharField(label="Source name", max_length=200,
                                  help_text='E.g. "Texas DIR contract DIR-TSO-4321" or "quote from Acme, ref 2026-114".')
    source_url = forms.CharField(label="Link to the source", max_length=500, required=False)
    district_id = MemberDistrictField(label="Seen by member district", scope="members", required=False,
                                      help_text="Leave empty when the consortium saw it.")
    confirm_far = forms.BooleanField(
        label="The price is right", required=False,
        help_text="Tick only when asked: a price more than 3 times above or below the pool's is recorded only "
                  "when you confirm it (a misplaced decimal point would mislead the renegotiation list).")
    note = forms.CharField(label="Note", max_length=NOTE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, products=(), choose_district: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product_id"].choices = [("", "(none: not in the catalog)")] + [
            (p.pk, f"{p.name} ({p.vendor.legal_name})") for p in products]
        if not choose_district:  # (staff say which member saw it; a buyer's district is their own)
            del self.fields["district_id"]
