from __future__ import annotations

from django import forms

LINE_FIELDS = ("district", "product", "quantity", "unit_price", "amount", "order_number")
LABELS = {"district": "District", "product": "Product", "quantity": "Quantity", "unit_price": "Unit price ($)",
          "amount": "Amount ($)", "order_number": "EdPool order number"}
MAX_FORM_ROWS = 200


class ReportLinesForm(forms.Form):
    """A report typed in: rows of district, product, quantity, unit price, amount (optional: it
    is checked against quantity x unit price) and order number; blank rows are ignored. All
    fields are text here: the service validates them and its errors land on the row's fields."""

    rows = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_FORM_ROWS)
    no_sales = forms.BooleanField(required=False, label="We made no sales under this agreement in this quarter")

    def __init__(self, *args, products, row_count: int, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            try:
                row_count = max(1, min(MAX_FORM_ROWS, int(self.data.get("rows", row_count))))
            except (TypeError, ValueError):
                pass
        self.row_count = row_count
        self.fields["rows"].initial = row_count
        choices = [("", "Choose a product")] + [(str(p.pk), p.name) for p in products]
        for i in range(1, row_count + 1):
            for name in LINE_FIELDS:
                label = f"Line {i}: {LABELS[name].lower() if name != 'order_number' else LABELS[name]}"
                if name == "product":
                    field = forms.ChoiceField(choices=choices, required=False, label=label)
                else:
                    attrs = {"inputmode": "decimal"} if name in ("unit_price", "amount") else (
                        {"inputmode": "numeric"} if name == "quantity" else {})
                    field = forms.CharField(required=False, label=label, max_length=300,
                                            widget=forms.TextInput(attrs=attrs))
                self.fields[f"{name}_{i}"] = field

    def table(self):
        """[(line number, [bound fields in column order])] for the template."""
        return [(i, [self[f"{name}_{i}"] for name in LINE_FIELDS]) for i in range(1, self.row_count + 1)]

    def clean(self):
        data = super().clean()
        self.line_rows = []  # (form row number, {field: text})
        for i in range(1, self.row_count + 1):
            values = {name: (data.get(f"{name}_{i}") or "").strip() for name in LINE_FIELDS}
            if any(values.values()):
                self.line_rows.append((i, values))
        if not self.line_rows and not data.get("no_sales"):
            raise forms.ValidationError("Enter at least one sale, or tick that you made no sales this quarter.")
        if self.line_rows and data.get("no_sales"):
            self.add_error("no_sales", "You entered sales: untick this, or clear the lines.")
        return data

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        """Put lines[N].field errors on the form row they came from."""
        for key, messages in errors.items():
            if key.startswith("lines[") and "]." in key:
                index, field = key[6:].split("].", 1)
                if index.isascii() and index.isdigit() and 1 <= int(index) <= len(self.line_rows) and field in LINE_FIELDS:
                    self.add_error(f"{field}_{self.line_rows[int(index) - 1][0]}", messages)
                    continue
            self.add_error(None, messages)


class CsvUploadForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text=(
        "Columns: district, product, quantity, unit_price, amount, order_number (the last two optional). "
        "District: name, NCES LEAID, state id such as CA-0110017, or EdPool id. Product: EdPool id or exact "
        "name. A file with the header row alone reports no sales."))


class ResolveForm(forms.Form):
    note = forms.CharField(label="How it was resolved", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class PaidForm(forms.Form):
    payment_reference = forms.CharField(label="Payment reference", max_length=100)
    paid_on = forms.DateField(label="Paid on", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                              help_text="Leave blank for today.")
