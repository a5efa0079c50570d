from __future__ import annotations

from django import forms

from decimal import Decimal

from core.limits import AMOUNT_MAX, LONG_TEXT_MAX, NOTE_MAX, UNIT_PRICE_MAX


class ActivateForm(forms.Form):
    start_date = forms.DateField(label="Start date", widget=forms.DateInput(attrs={"type": "date"}))
    term_months = forms.IntegerField(label="Initial term (months)", min_value=1, max_value=600, initial=36)
    renewal_options = forms.IntegerField(label="Renewal options", min_value=0, max_value=100, initial=2)
    renewal_months = forms.IntegerField(label="Months per renewal", min_value=0, max_value=600, initial=12)
    admin_fee_rate = forms.DecimalField(label="Administrative fee rate (e.g. 0.02 for 2%)",
                                        min_value=0, max_value=0.2, decimal_places=4)
    vendor_signed_by = forms.CharField(label="Signed for the vendor by", max_length=200)
    consortium_signed_by = forms.CharField(label="Signed for the consortium by", max_length=200)


class MapForm(forms.Form):
    line_reference = forms.ChoiceField(label="Awarded line")
    product = forms.TypedChoiceField(label="Product", coerce=int)

    def __init__(self, *args, lines, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line_reference"].choices = [(ref, f"{ref}: {info['description']}") for ref, info in lines.items()]
        self.fields["product"].choices = [(p.pk, p.name) for p in products]


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2}))


class DocumentForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    file = forms.FileField(label="Document (PDF)")


class JoinForm(forms.Form):
    estimated_value = forms.DecimalField(label="Estimated spend in a year under this agreement ($)",
                                         min_value=0, max_value=AMOUNT_MAX, decimal_places=2)
    board_finding_on = forms.DateField(
        label="Date of your board's finding for this agreement (optional)", required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Where your state requires a board finding (e.g. of best interest, California "
                  "Public Contract Code 20118), record it here; give its reference too.")
    board_finding_reference = forms.CharField(
        label="Reference of the board's finding (e.g. resolution number)", required=False,
        max_length=200)

    def __init__(self, *args, confirmations, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.confirmations = confirmations
        for i, text in enumerate(confirmations):
            self.fields[f"step_{i}"] = forms.BooleanField(label=f"Done: {text}", required=True)
        # Optional: what the district pays now, per product (the savings "paid before" baseline).
        self.products = list(products)
        for pid, name in self.products:
            self.fields[f"prior_{pid}"] = forms.DecimalField(
                label=f"What you pay now per unit for {name} ($, optional)", required=False,
                min_value=Decimal("0.01"), max_value=UNIT_PRICE_MAX, decimal_places=2,
                help_text="Before this agreement; your savings statement compares your orders with it.")

    def confirmed_steps(self) -> list[str]:
        return [text for i, text in enumerate(self.confirmations) if self.cleaned_data.get(f"step_{i}")]

    def prior_prices(self) -> dict[int, Decimal]:
        return {pid: self.cleaned_data[f"prior_{pid}"] for pid, _ in self.products
                if self.cleaned_data.get(f"prior_{pid}") is not None}


class QuoteAnswerForm(forms.Form):
    quote_total = forms.DecimalField(label="Quoted total ($)", min_value=0, max_value=AMOUNT_MAX,
                                     decimal_places=2)
    implementation_plan = forms.CharField(label="Implementation plan", max_length=LONG_TEXT_MAX,
                                          widget=forms.Textarea(attrs={"rows": 4}))


class DecideForm(forms.Form):
    agreement = forms.TypedChoiceField(label="Chosen vendor", coerce=int)
    reasons = forms.CharField(label="Reasons for the choice", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, agreements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].choices = [(a.pk, f"{a.vendor} ({a.number})") for a in agreements]
