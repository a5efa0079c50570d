from __future__ import annotations

from django import forms

from catalog.choices import (ACCESSIBILITY, DATA_CATEGORIES, ESSA_TIERS, GRADE_BANDS, INTEROPERABILITY,
                             LANGUAGES, PRICE_UNITS, PRODUCT_FAMILIES, SUBJECTS)
from catalog.models import Category, Product
from catalog.services import ProductData
from core.limits import UNIT_PRICE_MAX

CHECKS = forms.CheckboxSelectMultiple


class ProductForm(forms.Form):
    name = forms.CharField(label="Product name", max_length=200)
    description = forms.CharField(label="Description", required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ModelChoiceField(label="Category", queryset=Category.objects.order_by("name"))
    kind = forms.ChoiceField(label="Kind of product", choices=PRODUCT_FAMILIES)
    list_price = forms.DecimalField(label="List price (US dollars)", min_value=0, decimal_places=2,
                                    max_digits=12, max_value=UNIT_PRICE_MAX)
    price_unit = forms.ChoiceField(label="Typical price unit", choices=PRICE_UNITS,
                                   help_text="How districts usually buy it: per student, per device, per site ...")
    unit = forms.CharField(label="Unit the list price is for", max_length=40,
                           help_text="For example: student/year, teacher/year, site/year, device.")
    grade_bands = forms.MultipleChoiceField(label="Grade bands", choices=GRADE_BANDS, required=False, widget=CHECKS)
    subjects = forms.MultipleChoiceField(label="Subjects", choices=SUBJECTS, required=False, widget=CHECKS)
    languages = forms.MultipleChoiceField(
        label="Languages", choices=LANGUAGES, required=False, widget=CHECKS,
        help_text="The languages its student- or family-facing interface is offered in.")
    interoperability = forms.MultipleChoiceField(label="Interoperability", choices=INTEROPERABILITY,
                                                 required=False, widget=CHECKS)
    accessibility = forms.ChoiceField(
        label="Accessibility conformance", choices=ACCESSIBILITY, initial="not_evaluated",
        help_text="As your VPAT / Accessibility Conformance Report states; add the report under "
                  "Compliance evidence.")
    data_collected = forms.MultipleChoiceField(
        label="Student data it collects", choices=DATA_CATEGORIES, required=False, widget=CHECKS,
        help_text="The categories of the DPA schedule of data (NDPA Exhibit B). Leave all "
                  "unticked if the product collects no student data.")
    essa_tier = forms.TypedChoiceField(
        label="ESSA tier of evidence", choices=[("", "None claimed"), *ESSA_TIERS], coerce=int,
        empty_value=None, required=False,
        help_text="The strongest tier of evidence of effectiveness a study of the product meets.")
    essa_study_url = forms.URLField(
        label="Link to the study", required=False, max_length=500, assume_scheme="https",
        help_text="The web address of the study supporting the ESSA tier.")
    active = forms.BooleanField(label="Offered now", required=False, initial=True)

    def product_data(self) -> ProductData:
        return ProductData(**self.cleaned_data)

    @classmethod
    def initial_from(cls, product: Product) -> dict:
        return {name: getattr(product, name) for name in cls.base_fields}
