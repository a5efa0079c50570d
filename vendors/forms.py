from django import forms

from catalog.selectors import category_list


class VendorProfileForm(forms.Form):
    name = forms.CharField(label="Name shown to members", max_length=300)
    legal_name = forms.CharField(label="Legal name", max_length=300)
    website = forms.URLField(label="Website", required=False, assume_scheme="https")
    contact_name = forms.CharField(label="Contracts contact name", max_length=200, required=False)
    contact_email = forms.EmailField(label="Contracts contact email", required=False)
    contact_phone = forms.CharField(label="Contracts contact phone", max_length=40, required=False)
    categories = forms.ModelMultipleChoiceField(
        label="Categories you sell in", queryset=category_list(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="You are told about new solicitations in these categories.")
