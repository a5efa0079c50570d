from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = "Compliance"

    def ready(self):
        # A product's page (owned by catalog, below compliance) shows the vendor's evidence.
        from catalog.sections import register_product_context

        register_product_context(_product_evidence)

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
