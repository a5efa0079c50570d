from django import forms

from vendors.selectors import category_choices
from vendors.service_area import SERVICE_STATES


class VendorProfileForm(forms.Form):
    name = forms.CharField(label="Name shown to members", max_length=300)
    legal_name = forms.CharField(label="Legal name", max_length=300)
    website = forms.URLField(label="Website", required=False, assume_scheme="https")
    contact_name = forms.CharField(label="Contracts contact name", max_length=200, required=False)
    contact_email = forms.EmailField(label="Contracts contact email", required=False)
    contact_phone = forms.CharField(label="Contracts contact phone", max_length=40, required=False)
    categories = forms.ModelMultipleChoiceField(
        label="Categories you sell in", queryset=category_choices(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="You are told about new solicitations in these categories.")
    service_area = forms.MultipleChoiceField(
        label="States you serve", choices=SERVICE_STATES, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one state you serve."},
        help_text="Districts in other states do not see you in their mini-competitions; the "
                  "competition page tells them why.")


class VendorRegistrationForm(forms.Form):
    company_name = forms.CharField(
        label="Company name", max_length=300,
        help_text="The name district buyers know you by.",
        widget=forms.TextInput(attrs={"autocomplete": "organization"}))
    legal_name = forms.CharField(
        label="Legal name", max_length=300, required=False,
        help_text="As on your contracts, if different from the company name.")
    website = forms.URLField(label="Website", required=False, assume_scheme="https",
                             widget=forms.URLInput(attrs={"autocomplete": "url"}))
    contact_name = forms.CharField(label="Your name", max_length=200,
                                   widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(
        label="Your work email address",
        help_text="You sign in with it. We send a link to it to confirm it is yours.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label="Choose a password", strip=False,
        help_text="At least 10 characters; not a common password, not only digits, and not "
                  "like your email address.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password_again = forms.CharField(
        label="Password again", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    categories = forms.ModelMultipleChoiceField(
        label="Categories you sell in", queryset=category_choices(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="You are told about new solicitations in these categories. You can change "
                  "them later.")

    def clean(self):
        data = super().clean()
        if (data.get("password") and data.get("password_again") is not None
                and data["password"] != data["password_again"]):
            self.add_error("password_again", "The two passwords are not the same.")
        return data


class ColleagueInviteForm(forms.Form):
    full_name = forms.CharField(label="Colleague's name", max_length=200,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))
    email = forms.EmailField(
        label="Colleague's email address",
        help_text="We email them a link to choose a password.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}))
