from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from catalog import musthaves
from core.limits import QUANTITY_MAX, UNIT_PRICE_MAX
from matching.spec import TEXT_MAX, need_spec


class NeedForm(forms.Form):
    text = forms.CharField(label="What do you need?", max_length=TEXT_MAX, required=False,
                           help_text='In your own words, e.g. "K-2 phonics", "1:1 Chromebooks for grade 6".')
    quantity = forms.IntegerField(label="How many (students, devices, seats)", min_value=1,
                                  max_value=QUANTITY_MAX, initial=1)
    budget_per_unit = forms.DecimalField(label="Budget per unit ($, optional)", required=False, max_digits=12,
                                         decimal_places=2, min_value=Decimal("0.01"), max_value=UNIT_PRICE_MAX)
    must_haves = forms.MultipleChoiceField(
        label="Must have (a product lacking one is never shown)", required=False,
        choices=musthaves.grouped_choices(), widget=forms.SelectMultiple(attrs={"size": 8}))
    nice_to_haves = forms.MultipleChoiceField(
        label="Nice to have (ranks products higher)", required=False,
        choices=musthaves.grouped_choices(), widget=forms.SelectMultiple(attrs={"size": 8}))

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["spec"] = need_spec(text=data.get("text") or "", must_haves=data.get("must_haves") or [],
                                     nice_to_haves=data.get("nice_to_haves") or [],
                                     quantity=data.get("quantity") or 1,
                                     budget_per_unit=data.get("budget_per_unit"))
        except ValidationError as refused:
            for name, messages in refused.message_dict.items():
                self.add_error(name if name in self.fields else None, messages)
        return data
