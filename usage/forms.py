from django import forms


class UsageUploadForm(forms.Form):
    file = forms.FileField(label="CSV file (product, month, active_users, licences_used)")
    replace = forms.BooleanField(
        label="Replace months I already reported (the file's months replace everything reported for them)",
        required=False)
