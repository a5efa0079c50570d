from __future__ import annotations

from django import forms

from catalog.models import Category, Product
from compliance.models import AccessibilityReport, AttestationKind, DpaTemplate
from compliance.engine.dpa_terms import MODEL_CHOICES, TERM_CHOICES
from members.fields import DistrictSearchField
from vendors.models import Vendor

DATE = forms.DateInput(attrs={"type": "date"})
AWARD_KINDS = [("", "Not known"), ("multi_award", "Multi-award contract"),
               ("single_award", "Single-award contract")]


class CheckForm(forms.Form):
    district = DistrictSearchField(label="District", scope="members",
                                   help_text="Active members of the consortium.")
    product = forms.ModelChoiceField(label="Product", queryset=Product.objects.none())
    award_kind = forms.ChoiceField(label="Kind of contract", choices=AWARD_KINDS, required=False,
                                   help_text="Some states allow piggybacking only on single-award contracts.")
    annual_value = forms.DecimalField(label="Estimated value per year (US dollars)", required=False,
                                      min_value=0, decimal_places=2, max_digits=14,
                                      help_text="For bid thresholds, e.g. Texas' $100,000 a year (since 1 September 2025).")
    on_date = forms.DateField(label="As of", required=False, widget=DATE,
                              help_text="Leave empty for today.")

    def __init__(self, *args, own_district=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = (Product.objects.filter(active=True)
                                           .select_related("vendor__organisation").order_by("name"))
        self.fields["product"].label_from_instance = lambda p: f"{p.name} ({p.vendor.organisation.name})"
        if own_district is not None:
            del self.fields["district"]


class RecordForm(CheckForm):
    purpose = forms.CharField(label="What this decision is for", max_length=300,
                              help_text="For example: purchase order 2026-031, or board agenda item 7.")


class MatrixFilterForm(forms.Form):
    states = forms.CharField(label="States", required=False,
                             help_text="Two-letter codes separated by commas, e.g. CA, NY, TX. Empty: all 50, DC and any other state loaded.")
    q = forms.CharField(label="Product or vendor name", required=False,
                        widget=forms.TextInput(attrs={"type": "search"}))
    category = forms.ModelChoiceField(label="Category", required=False, to_field_name="code",
                                      queryset=Category.objects.order_by("name"), empty_label="All categories")
    vendor = forms.ModelChoiceField(label="Vendor", required=False, empty_label="All vendors",
                                    queryset=Vendor.objects.select_related("organisation").order_by("organisation__name"))


class DpaForm(forms.Form):
    district = DistrictSearchField(label="District you signed with", scope="all",
                                   help_text="The agreement is for this district's state.")
    template = forms.ChoiceField(label="Template", choices=DpaTemplate.choices)
    template_version = forms.CharField(label="Template version", required=False, max_length=40,
                                       help_text="For example v1 or v2.")
    state_variant = forms.CharField(label="State variant", required=False, max_length=120,
                                    help_text="For example CA-NDPA (CSDPA).")
    terms_model = forms.ChoiceField(label="Model it follows", choices=MODEL_CHOICES, required=False,
                                    help_text="The NDPA v2 with a state's exhibit contains that state's "
                                              "required terms.")
    terms_included = forms.MultipleChoiceField(label="Required terms it includes (when it follows no model)",
                                               choices=TERM_CHOICES, required=False,
                                               widget=forms.CheckboxSelectMultiple)
    products = forms.ModelMultipleChoiceField(label="Products covered (Exhibit A)", queryset=Product.objects.none(),
                                              widget=forms.CheckboxSelectMultiple)
    signed_on = forms.DateField(label="Signed on", widget=DATE)
    expires_on = forms.DateField(label="Expires on", required=False, widget=DATE)
    general_offer = forms.BooleanField(label="General offer made (Exhibit E): other districts of the state may adopt it",
                                       required=False)
    general_offer_until = forms.DateField(label="General offer open until", required=False, widget=DATE)
    document = forms.FileField(label="Signed agreement (PDF)",
                               widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}))

    def __init__(self, *args, vendor, **kwargs):
        kwargs.setdefault("prefix", "dpa")
        super().__init__(*args, **kwargs)
        self.fields["products"].queryset = Product.objects.filter(vendor=vendor).order_by("name")


class ReportForm(forms.Form):
    product = forms.ModelChoiceField(label="Product", queryset=Product.objects.none())
    standard = forms.ChoiceField(label="Standard", choices=AccessibilityReport.Standard.choices,
                                 initial="WCAG 2.1")
    level = forms.ChoiceField(label="Level claimed", choices=AccessibilityReport.Level.choices, initial="AA")
    report_format = forms.CharField(label="Format", max_length=60, initial="VPAT 2.5 (ACR)")
    report_date = forms.DateField(label="Report date", widget=DATE)
    expires_on = forms.DateField(label="Valid until", required=False, widget=DATE,
                                 help_text="Empty: two years from the report date.")
    document = forms.FileField(label="Report (PDF)", widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}))

    def __init__(self, *args, vendor, **kwargs):
        kwargs.setdefault("prefix", "report")
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(vendor=vendor).order_by("name")


class AttestationForm(forms.Form):
    kind = forms.ChoiceField(label="Attestation", choices=AttestationKind.choices)
    framework = forms.CharField(label="Framework or detail", required=False, max_length=120,
                                help_text="For example: NIST CSF 2.0, SOC 2 Type II.")
    product = forms.ModelChoiceField(label="Product", queryset=Product.objects.none(), required=False,
                                     empty_label="Whole company")
    attested_on = forms.DateField(label="Dated", widget=DATE)
    expires_on = forms.DateField(label="Valid until", required=False, widget=DATE,
                                 help_text="Empty: two years from its date.")
    document = forms.FileField(label="Attestation (PDF)", widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}))

    def __init__(self, *args, vendor, **kwargs):
        kwargs.setdefault("prefix", "attestation")
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(vendor=vendor).order_by("name")


KEEP_DOCUMENT = "Leave empty to keep the current document."


def _optional_document(form, label: str) -> None:
    field = form.fields["document"]
    field.required, field.label, field.help_text = False, label, KEEP_DOCUMENT
    field.widget = forms.FileInput(attrs={"accept": "application/pdf"})


class DpaEditForm(DpaForm):
    """Correcting a signed agreement: its district (and state) and general offer stay."""

    def __init__(self, *args, vendor, **kwargs):
        super().__init__(*args, vendor=vendor, **kwargs)
        for name in ("district", "general_offer", "general_offer_until"):
            del self.fields[name]
        _optional_document(self, "Replace the signed agreement (PDF)")

    @staticmethod
    def initial_of(dpa) -> dict:
        return {"template": dpa.template, "template_version": dpa.template_version,
                "state_variant": dpa.state_variant, "products": [p.pk for p in dpa.products.all()],
                "terms_model": dpa.terms_model, "terms_included": list(dpa.terms_included),
                "signed_on": dpa.signed_on, "expires_on": dpa.expires_on}


class ReportEditForm(ReportForm):
    def __init__(self, *args, vendor, **kwargs):
        super().__init__(*args, vendor=vendor, **kwargs)
        _optional_document(self, "Replace the report (PDF)")

    @staticmethod
    def initial_of(report) -> dict:
        return {"product": report.product_id, "standard": report.standard, "level": report.level,
                "report_format": report.report_format, "report_date": report.report_date,
                "expires_on": report.expires_on}


class AttestationEditForm(AttestationForm):
    def __init__(self, *args, vendor, **kwargs):
        super().__init__(*args, vendor=vendor, **kwargs)
        _optional_document(self, "Replace the attestation (PDF)")

    @staticmethod
    def initial_of(attestation) -> dict:
        return {"kind": attestation.kind, "framework": attestation.framework,
                "product": attestation.product_id, "attested_on": attestation.attested_on,
                "expires_on": attestation.expires_on}


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="Reason for withdrawing", max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Districts and consortium staff see it beside the withdrawn record.")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "withdraw")
        super().__init__(*args, **kwargs)


class DistrictCopyForm(forms.Form):
    """Staff record the district's signed copy of an agreement a vendor proposed."""

    signed_on = forms.DateField(label="Date the district signed", widget=DATE)
    document = forms.FileField(label="The district's signed copy (PDF)",
                               widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}))


class JoinderReviewForm(forms.Form):
    outcome = forms.ChoiceField(label="Your review", widget=forms.RadioSelect, choices=[
        ("kept", "Keep it: the district holds to the terms it adopted"),
        ("ended", "End it: the joinder no longer applies")])
    note = forms.CharField(label="Note", required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="Required when you end it: say why.")
