from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = "Compliance"

    def ready(self):
        # A product's page (owned by catalog, below compliance) shows the vendor's evidence.
        from catalog.sections import register_fact_evidence, register_product_context

        register_product_context(_product_evidence)
        register_fact_evidence(_fact_evidence)

        # The national matrix as a CSV file, written by `edpool worker`.
        from compliance.matrix_export import MATRIX_EXPORT_JOB, matrix_export_job
        from jobs.registry import register

        register(MATRIX_EXPORT_JOB, label="Export the compliance matrix", run=matrix_export_job,
                 figures=(("products_done", "Products written", "number"), ("products", "Products", "number")))


def _product_evidence(*, product, actor) -> dict:
    from core.clock import today
    from compliance.selectors.evidence import attestation_list, dpa_list, report_list

    return {"reports": report_list(product=product), "attestations": attestation_list(product=product),
            "dpas": dpa_list(vendor=product.vendor).filter(products=product)[:200],
            "today": today(), "show_vendor": False}


def _fact_evidence(*, product, actor) -> dict:
    """The evidence behind two of a product's stated facts: its accessibility conformance (its
    VPAT / ACR in force) and the student data it collects (the DPAs in force covering it)."""
    from django.urls import reverse

    from catalog.sections import EvidenceLink
    from compliance.selectors.evidence import dpa_list, report_list
    from core.clock import today

    day = today()
    reports = [r for r in report_list(product=product) if r.in_force_on(day)]
    accessibility = []
    if reports:
        r = reports[0]
        full = r.standard in ("WCAG 2.1", "WCAG 2.2") and r.level in ("AA", "AAA")
        accessibility.append(EvidenceLink(
            f"VPAT / ACR: {r.standard} {r.level}, dated {r.report_date.isoformat()}",
            url=reverse("compliance:document", args=["report", r.pk]),
            warning="" if full or product.accessibility != "wcag21aa" else
            "This report does not support full WCAG 2.1 AA conformance."))
    elif product.accessibility != "not_evaluated":
        accessibility.append(EvidenceLink("No accessibility report (VPAT / ACR) in force", url="#reports",
                                          warning="The stated conformance has no report in force behind it."))
    dpas = [d for d in dpa_list(vendor=product.vendor).filter(products=product)[:200] if d.in_force_on(day)]
    data = []
    if dpas:
        states = ", ".join(sorted({d.state for d in dpas}))
        data.append(EvidenceLink(f"{len(dpas)} data privacy agreement{'s' if len(dpas) != 1 else ''} in force "
                                 f"cover{'s' if len(dpas) == 1 else ''} it ({states})", url="#dpas"))
    elif product.data_collected:
        data.append(EvidenceLink("No data privacy agreement in force covers it", url="#dpas"))
    return {"accessibility": accessibility, "data_collected": data}
