"""Forms for sourcing pages. They only collect input; the services validate the rules."""

from __future__ import annotations

from django import forms

from catalog.selectors import category_list
from sourcing.policy import addendum_notice_hours
from core.limits import LONG_TEXT_MAX, NOTE_MAX, POOLED_QUANTITY_MAX, UNIT_PRICE_MAX
from sourcing.states import AwardMethod, Kind

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SolicitationForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=Kind.choices)
    title = forms.CharField(label="Title", max_length=300)
    description = forms.CharField(label="Description", widget=forms.Textarea(attrs={"rows": 5}),
                                  required=False, max_length=LONG_TEXT_MAX)
    category = forms.ModelChoiceField(label="Category", queryset=category_list())
    questions_deadline = forms.DateTimeField(label="Questions deadline", widget=DATETIME,
                                             help_text="Local time of the consortium.")
    bid_deadline = forms.DateTimeField(label="Bid deadline", widget=DATETIME,
                                       help_text="Bids are sealed until this moment, then all open at once.")
    standstill_days = forms.IntegerField(label="Standstill (protest) days after the award notice",
                                         min_value=0, max_value=60, initial=7)
    award_method = forms.ChoiceField(label="Award method", choices=AwardMethod.choices)
    score_threshold = forms.DecimalField(label="Multi-award: minimum total score (of 100)",
                                         min_value=0, max_value=100, initial=70)
    max_vendor_share = forms.DecimalField(label="Bulk buy: most of the spend one vendor may win (0 to 1)",
                                          min_value=0, max_value=1, required=False)
    max_vendors_per_line = forms.IntegerField(label="Bulk buy: most vendors per line", min_value=1,
                                              max_value=1000, required=False)


class LineForm(forms.Form):
    reference = forms.CharField(label="Reference", max_length=40)
    description = forms.CharField(label="Description", max_length=500)
    unit = forms.CharField(label="Unit", max_length=40, help_text="For example: device, seat, licence.")
    estimated_quantity = forms.IntegerField(label="Estimated quantity", min_value=1,
                                            max_value=POOLED_QUANTITY_MAX)


class RequirementForm(forms.Form):
    text = forms.CharField(label="Mandatory requirement (bidders attest yes or no)", max_length=500)


class CriterionForm(forms.Form):
    name = forms.CharField(label="Criterion", max_length=120)
    weight = forms.DecimalField(label="Weight", min_value=0, max_value=100)
    is_price = forms.BooleanField(label="This is the price criterion (scored by formula)", required=False)


LineFormSet = forms.formset_factory(LineForm, extra=3, min_num=1, validate_min=True)
RequirementFormSet = forms.formset_factory(RequirementForm, extra=2)
CriterionFormSet = forms.formset_factory(CriterionForm, extra=2, min_num=2, validate_min=True)


class AddendumChangesForm(forms.Form):
    """What the addendum changes, typed on the manage page; the confirmation page adds its
    document (AddendumForm)."""
    summary = forms.CharField(label="What changes", max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    bid_deadline = forms.DateTimeField(label="New bid deadline", widget=DATETIME, required=False,
                                       help_text="Leave empty to keep the deadline.")
    questions_deadline = forms.DateTimeField(label="New questions deadline", widget=DATETIME,
                                             required=False)
    description = forms.CharField(label="New description", widget=forms.Textarea(attrs={"rows": 3}),
                                  required=False, max_length=LONG_TEXT_MAX, help_text="Leave empty to keep it.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bid_deadline"].help_text = (
            f"Leave empty to keep the deadline. Bidders always get at least "
            f"{addendum_notice_hours()} hours after an addendum (the consortium's minimum notice): "
            f"a closer deadline is extended to that, and the addendum says so.")


class AddendumForm(AddendumChangesForm):
    document = forms.FileField(label="Document (PDF)", required=False)
    document_title = forms.CharField(label="Document title", required=False, max_length=200)


class DocumentForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    file = forms.FileField(label="Document (PDF)")


class QuestionForm(forms.Form):
    text = forms.CharField(label="Your question", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label="Answer (published to all bidders; the asker is not named)", max_length=LONG_TEXT_MAX,
                             widget=forms.Textarea(attrs={"rows": 3}))


class CancelForm(forms.Form):
    reason = forms.CharField(label="Public reason for cancelling", max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2}))


class DeclarationForm(forms.Form):
    """The conflict-of-interest declaration: for every bidder (company name only), whether the
    evaluator, or anyone close to them, has a relationship with it, and if so which."""

    def __init__(self, *args, bidders, **kwargs):
        super().__init__(*args, **kwargs)
        self.bidders = list(bidders)
        for b in self.bidders:
            self.fields[f"rel-{b.vendor_id}"] = forms.ChoiceField(
                label=(f"Do you, or anyone close to you, have a financial or personal relationship "
                       f"with {b.name}?"),
                choices=[("no", "No"), ("yes", "Yes")], widget=forms.RadioSelect,
                error_messages={"required": f"Answer for {b.name}."})
            self.fields[f"details-{b.vendor_id}"] = forms.CharField(
                label=f"If yes, describe the relationship with {b.name}", required=False,
                widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        for b in self.bidders:
            if data.get(f"rel-{b.vendor_id}") == "yes" and not data.get(f"details-{b.vendor_id}", "").strip():
                self.add_error(f"details-{b.vendor_id}", f"Describe the relationship with {b.name}.")
        return data

    def bidder_fields(self):
        """For the template: each bidder with its yes/no field and its details field."""
        for b in self.bidders:
            yield b, self[f"rel-{b.vendor_id}"], self[f"details-{b.vendor_id}"]

    def relationships(self) -> list[dict]:
        return [{"vendor_id": b.vendor_id, "details": self.cleaned_data[f"details-{b.vendor_id}"]}
                for b in self.bidders if self.cleaned_data.get(f"rel-{b.vendor_id}") == "yes"]


class ScoreForm(forms.Form):
    points = forms.DecimalField(label="Score (0 to 10)", min_value=0, max_value=10, decimal_places=2)
    comment = forms.CharField(label="Comment", required=False, max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2}))


class ProtestForm(forms.Form):
    grounds = forms.CharField(label="Grounds of the protest", max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    document = forms.FileField(label="Supporting document (PDF)", required=False)


class ProtestDecisionForm(forms.Form):
    decision = forms.ChoiceField(label="Decision", widget=forms.RadioSelect, choices=[
        ("denied", "Deny: the award stands"), ("upheld", "Uphold: revise the award")])
    reasons = forms.CharField(label="Reasons", max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3}))


class SeatForm(forms.Form):
    assignment = forms.TypedChoiceField(label="Evaluator", coerce=int,
                                        help_text="Evaluators of active member districts.")

    def __init__(self, *args, evaluators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].choices = [
            (a.pk, f"{a.user.full_name or a.user.email} ({a.organisation.name})") for a in evaluators]



YES_NO = [("yes", "Yes"), ("no", "No")]


class BidForm(forms.Form):
    """A bid: per line up to `tiers` volume tiers and an optional maximum quantity; an answer to
    every mandatory requirement; notes; up to two PDF documents."""

    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    document_1 = forms.FileField(label="Document 1 (PDF)", required=False)
    document_1_title = forms.CharField(label="Document 1 title", required=False, max_length=200)
    document_2 = forms.FileField(label="Document 2 (PDF)", required=False)
    document_2_title = forms.CharField(label="Document 2 title", required=False, max_length=200)
    confirm_rising_prices = forms.BooleanField(
        label="My prices rise with volume on purpose (a higher tier costs more than a lower one)",
        required=False)

    def __init__(self, *args, solicitation, tiers: int = 4, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(solicitation.lines.all())
        self.requirements = list(solicitation.requirements.all())
        self.tiers = tiers
        for line in self.lines:
            for i in range(1, tiers + 1):
                self.fields[f"l{line.position}-t{i}-min"] = forms.IntegerField(
                    label=f"Tier {i}: from quantity", min_value=1, max_value=POOLED_QUANTITY_MAX,
                    required=False)
                self.fields[f"l{line.position}-t{i}-price"] = forms.DecimalField(
                    label=f"Tier {i}: unit price in dollars", min_value=0, max_value=UNIT_PRICE_MAX,
                    decimal_places=2, required=False)
            self.fields[f"l{line.position}-max"] = forms.IntegerField(
                label="Most you can supply (optional)", min_value=1, max_value=POOLED_QUANTITY_MAX,
                required=False)
        for req in self.requirements:
            self.fields[f"attest-{req.code}"] = forms.ChoiceField(
                label=req.text, choices=YES_NO, widget=forms.RadioSelect)

    def line_groups(self):
        """For the template: each line with its tier field pairs and max field."""
        for line in self.lines:
            tiers = [(i, self[f"l{line.position}-t{i}-min"], self[f"l{line.position}-t{i}-price"])
                     for i in range(1, self.tiers + 1)]
            yield line, tiers, self[f"l{line.position}-max"]

    def attestation_fields(self):
        return [self[f"attest-{req.code}"] for req in self.requirements]

    def bid_data(self) -> dict:
        data = self.cleaned_data
        lines = []
        for line in self.lines:
            tiers = []
            for i in range(1, self.tiers + 1):
                q, p = data.get(f"l{line.position}-t{i}-min"), data.get(f"l{line.position}-t{i}-price")
                if q is None and p is None:
                    continue
                tiers.append({"min_quantity": q, "unit_price": None if p is None else str(p)})
            if tiers:
                lines.append({"line": line.reference, "tiers": tiers,
                              "max_quantity": data.get(f"l{line.position}-max")})
        return {"lines": lines,
                "attestations": {r.code: data.get(f"attest-{r.code}") == "yes" for r in self.requirements},
                "notes": data.get("notes", "")}

    def documents(self) -> list:
        docs = []
        for n in (1, 2):
            upload = self.cleaned_data.get(f"document_{n}")
            if upload:
                docs.append((self.cleaned_data.get(f"document_{n}_title") or upload.name, upload))
        return docs

    @staticmethod
    def initial_from(content: dict, solicitation) -> dict:
        initial = {"notes": content.get("notes", "")}
        positions = {line.reference: line.position for line in solicitation.lines.all()}
        for line in content.get("lines", []):
            pos = positions.get(line["line"])
            if pos is None:
                continue
            for i, tier in enumerate(line["tiers"], start=1):
                initial[f"l{pos}-t{i}-min"] = tier["min_quantity"]
                initial[f"l{pos}-t{i}-price"] = tier["unit_price"]
            initial[f"l{pos}-max"] = line.get("max_quantity")
        for code, value in content.get("attestations", {}).items():
            initial[f"attest-{code}"] = "yes" if value else "no"
        return initial
