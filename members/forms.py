from __future__ import annotations

from django import forms

from members.states import TRANSITIONS
from orgs.states import US_STATES


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label="Search by name, city or county", required=False,
                        widget=forms.TextInput(attrs={"type": "search"}))
    state = forms.ChoiceField(label="State", required=False,
                              choices=[("", "All states")] + US_STATES)


class ApplyForm(forms.Form):
    contact_name = forms.CharField(label="Contact name", max_length=200)
    contact_email = forms.EmailField(label="Contact email")
    note = forms.CharField(label="Anything the consortium should know", required=False,
                          widget=forms.Textarea(attrs={"rows": 3}))


# Which inputs each membership step asks for.
TRANSITION_INPUTS = {
    "approve_board": ("on_date", "resolution_number", "resolution_document"),
    "sign_agreement": ("on_date", "signed_by"),
    "activate": ("on_date",),
    "suspend": ("reason",),
    "reinstate": (),
    "withdraw": ("on_date", "reason"),
}

REQUIRED_INPUTS = {
    "approve_board": ("resolution_document",),
    "sign_agreement": ("signed_by",),
    "suspend": ("reason",),
    "withdraw": ("reason",),
}


class TransitionForm(forms.Form):
    on_date = forms.DateField(label="Date", required=False,
                              widget=forms.DateInput(attrs={"type": "date"}),
                              help_text="Leave empty for today.")
    resolution_number = forms.CharField(label="Board resolution number", required=False,
                                        max_length=60)
    resolution_document = forms.FileField(label="Board resolution (PDF)", required=False,
                                          widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}))
    signed_by = forms.CharField(label="Signed by (name and title)", required=False, max_length=200)
    reason = forms.CharField(label="Reason", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, action: str, **kwargs):
        kwargs.setdefault("prefix", action)
        super().__init__(*args, **kwargs)
        self.action = action
        self.transition = TRANSITIONS[action]
        keep = TRANSITION_INPUTS[action]
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        for name in REQUIRED_INPUTS.get(action, ()):
            self.fields[name].required = True


class DirectoryImportForm(forms.Form):
    file = forms.FileField(label="District directory (CSV)", help_text=(
        "The same file as the import-districts command: a California directory (cds_code, name, state, ...) "
        "or an NCES-style file (LEAID, name, state, city, enrollment), UTF-8, at most 20 MB. "
        "Districts already known are updated; one bad row and nothing is imported."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}))
    source = forms.CharField(label="Where the enrollment figures come from", required=False, max_length=300,
                             help_text="For NCES files, e.g. \u201cNCES CCD 2023-24\u201d. Optional.")
    year = forms.IntegerField(label="School year of the enrollment counts", required=False,
                              min_value=1900, max_value=2199, help_text="For NCES files, e.g. 2023. Optional.")
