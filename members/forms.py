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
