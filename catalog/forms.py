from __future__ import annotations

from django import forms

from catalog.choices import DATA_CATEGORIES, GRADE_BANDS, INTEROPERABILITY, SUBJECTS, ProductKind
from catalog.models import Category, Product
from catalog.services import ProductData
from core.limits import UNIT_PRICE_MAX

CHECKS = forms.CheckboxSelectMultiple


class ProductForm(forms.Form):
    name = forms.CharField(label="Product name", max_length=200)
    description = forms.CharField(label="Description", required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ModelChoiceField(label="Category", queryset=Category.objects.order_by("name"))
    kind = forms.ChoiceField(label="Kind", choices=ProductKind.choices)
    list_price = forms.DecimalField(label="List price (US dollars)", min_value=0, decimal_places=2,
                                    max_digits=12, max_value=UNIT_PRICE_MAX)
    unit = forms.CharField(label="Unit the price is for", max_length=40,
                           help_text="For example: student/year, teacher/year, site/year, device.")
    grade_bands = forms.MultipleChoiceField(label="Grade bands", choices=GRADE_BANDS, required=False, widget=CHECKS)
    subjects = forms.MultipleChoiceField(label="Subjects", choices=SUBJECTS, required=False, widget=CHECKS)
    interoperability = forms.MultipleChoiceField(label="Interoperability", choices=INTEROPERABILITY,
                                                 required=False, widget=CHECKS)
    data_collected = forms.MultipleChoiceField(
        label="Student data it collects", choices=DATA_CATEGORIES, required=False, widget=CHECKS,
        help_text="The categories of the DPA schedule of data (NDPA Exhibit B). Leave all "
                  "unticked if the product collects no student data.")
    active = forms.BooleanField(label="Offered now", required=False, initial=True)

    def product_data(self) -> ProductData:
        return ProductData(**self.cleaned_data)

    @classmethod
    def initial_from(cls, product: Product) -> dict:
        return {name: getattr(product, name) for name in cls.base_fields}
