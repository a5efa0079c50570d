"""Forms for survey pages. They only collect input; the services check the rules."""

from __future__ import annotations

from django import forms

from catalog import musthaves
from catalog.choices import GRADE_BANDS, PRODUCT_FAMILIES
from catalog.selectors import category_list
from core.limits import LONG_TEXT_MAX, SHORT_TEXT_MAX
from surveys.states import Commitment, FundingSource

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
BLANK_NEEDS = 3


class SurveyForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200,
                            help_text='E.g. "2027-28 devices and instructional software".')
    cycle = forms.CharField(label="Buying cycle", max_length=40, help_text='E.g. "2027-28".')
    description = forms.CharField(label="What members should know", widget=forms.Textarea(attrs={"rows": 3}),
                                  required=False, max_length=LONG_TEXT_MAX)
    opens_at = forms.DateTimeField(label="Opens", widget=DATETIME, help_text="Local time of the consortium.")
    closes_at = forms.DateTimeField(label="Closes", widget=DATETIME,
                                    help_text="Answers can be changed until this moment, not after.")

    def __init__(self, *args, needs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.need_count = len(needs) + BLANK_NEEDS
        categories = [("", "Choose a category")] + [(c.code, c.name) for c in category_list()]
        for i in range(1, self.need_count + 1):
            given = needs[i - 1] if i <= len(needs) else None
            self.fields[f"need_{i}_description"] = forms.CharField(
                label=f"Need {i}: description", max_length=SHORT_TEXT_MAX, required=False,
                initial=given.description if given else "")
            self.fields[f"need_{i}_category"] = forms.ChoiceField(
                label=f"Need {i}: category", choices=categories, required=False,
                initial=given.category.code if given else "")
            self.fields[f"need_{i}_kind"] = forms.ChoiceField(
                label=f"Need {i}: kind of product", choices=[("", "Choose a kind")] + PRODUCT_FAMILIES,
                required=False, initial=given.kind if given else "")
            self.fields[f"need_{i}_grade_bands"] = forms.MultipleChoiceField(
                label=f"Need {i}: grade bands", choices=GRADE_BANDS, required=False,
                widget=forms.CheckboxSelectMultiple, initial=given.grade_bands if given else [])
            self.fields[f"need_{i}_unit"] = forms.CharField(
                label=f"Need {i}: unit counted", max_length=40, required=False,
                initial=given.unit if given else "", help_text='E.g. "device", "student licence".')

    def need_rows(self) -> list[list]:
        return [[self[f"need_{i}_{f}"] for f in ("description", "category", "kind", "grade_bands", "unit")]
                for i in range(1, self.need_count + 1)]

    def needs(self) -> list[dict]:
        """The rows filled in, in order; `given_rows` keeps their row numbers (for errors)."""
        out, self.given_rows = [], []
        for i in range(1, self.need_count + 1):
            row = {f: self.cleaned_data.get(f"need_{i}_{f}") for f in
                   ("description", "category", "kind", "grade_bands", "unit")}
            if any(row.values()):
                out.append(row)
                self.given_rows.append(i)
        return out


class AnswerForm(forms.Form):
    """One need's answer (prefixed by the need's reference)."""

    answer = forms.BooleanField(label="Answer this need", required=False,
                                help_text="Untick to leave this need out of your answers.")
    commitment = forms.ChoiceField(label="Our district is", choices=Commitment.choices,
                                   widget=forms.RadioSelect, required=False)
    needed_by = forms.CharField(label="Needed by (month)", required=False,
                                widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}))
    budget_min = forms.CharField(label="Budget per unit, from ($)", required=False, max_length=40)
    budget_max = forms.CharField(label="Budget per unit, up to ($)", required=False, max_length=40)
    funding_source = forms.ChoiceField(label="Funding source", required=False,
                                       choices=[("", "Choose a source")] + FundingSource.choices)
    must_haves = forms.MultipleChoiceField(label="Must-haves", required=False,
                                           choices=musthaves.grouped_choices(),
                                           widget=forms.SelectMultiple(attrs={"size": 8}))
    current_product = forms.CharField(label="Product used now", required=False, max_length=SHORT_TEXT_MAX)
    current_price = forms.CharField(label="Price paid now per unit ($)", required=False, max_length=40)
    current_contract_end = forms.DateField(label="Current contract ends", required=False,
                                           widget=forms.DateInput(attrs={"type": "date"}))

    use_required_attribute = False  # needs left unticked are sent empty
    REQUIRED_WHEN_ANSWERED = ("commitment", "needed_by", "funding_source")

    def __init__(self, *args, need, **kwargs):
        super().__init__(*args, prefix=need.reference, **kwargs)
        self.need = need
        bands = dict(GRADE_BANDS)
        quantities = {f"qty_{band}": forms.CharField(
            label=f"Units for {bands.get(band, band)}", required=False, max_length=20,
            widget=forms.TextInput(attrs={"inputmode": "numeric"})) for band in need.grade_bands}
        # the quantities right after the commitment, where people look for them
        order = list(self.fields)
        at = order.index("commitment") + 1
        fields = {name: self.fields[name] for name in order[:at]}
        fields.update(quantities)
        fields.update({name: self.fields[name] for name in order[at:]})
        self.fields = fields
        answered = not self.is_bound or bool(self.data.get(self.add_prefix("answer")))
        for name in self.REQUIRED_WHEN_ANSWERED:
            self.fields[name].required = answered
        first = next(iter(quantities), None)
        if first:
            self.fields[first].help_text = "At least 1 unit in one grade band."

    def row(self) -> dict:
        data = self.cleaned_data
        return {"need": self.need.reference, "commitment": data.get("commitment"),
                "quantities": {b: data.get(f"qty_{b}") for b in self.need.grade_bands if data.get(f"qty_{b}")},
                **{f: data.get(f) for f in ("needed_by", "budget_min", "budget_max", "funding_source",
                                              "must_haves", "current_product", "current_price",
                                              "current_contract_end")}}

    @staticmethod
    def initial_of(answer) -> dict:
        if answer is None:
            return {}
        return {"answer": True, "commitment": answer.commitment, "needed_by": f"{answer.needed_by:%Y-%m}",
                "budget_min": answer.budget_min or "", "budget_max": answer.budget_max or "",
                "funding_source": answer.funding_source, "must_haves": answer.must_haves,
                "current_product": answer.current_product, "current_price": answer.current_price or "",
                "current_contract_end": answer.current_contract_end,
                **{f"qty_{b}": q for b, q in answer.quantities.items()}}


class CsvUploadForm(forms.Form):
    file = forms.FileField(label="CSV file (one row per need)")
    submit = forms.BooleanField(label="Submit the answers (they count in the pooled demand)", required=False)


class SolicitationFromSurveyForm(forms.Form):
    category = forms.ModelChoiceField(label="Category of the solicitation", queryset=category_list(),
                                      to_field_name="code")


class NeedLinkForm(forms.Form):
    """Choose the line of an existing solicitation that buys a survey's need (only the lines
    staff may link: `surveys.selectors.linkable_lines`)."""

    line = forms.TypedChoiceField(label="Solicitation line that buys this need", coerce=int,
                                  error_messages={"invalid_choice": "Choose one of the lines listed."})

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = {line.pk: line for line in lines}
        self.fields["line"].choices = [("", "Choose a line")] + [
            (line.pk, f"{line.solicitation.number} {line.solicitation.title}: line {line.reference}, "
                      f"{line.description} ({line.estimated_quantity:,} {line.unit})") for line in lines]

    def chosen(self):
        return self.lines[self.cleaned_data["line"]]
