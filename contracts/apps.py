from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = "Contracts: master agreements and participation"

    def ready(self):
        # The member catalog's search table copies product listings: lower apps announce changes
        # through signals (they may not import contracts); see contracts/services/catalog_index.py.
        from catalog.signals import products_changed
        from vendors.signals import vendor_listing_changed

        products_changed.connect(_products_changed, dispatch_uid="contracts.catalog_index.products")
        # Compliance's verdicts are asked under the agreement a district buys under (one verdict
        # for the catalog, the check and the matrix).
        from compliance.purchase_context import register_purchase_contexts
        from contracts.selectors.purchase_context import purchase_contexts_for

        register_purchase_contexts(purchase_contexts_for)
        vendor_listing_changed.connect(_vendor_listing_changed,
                                       dispatch_uid="contracts.catalog_index.vendor")


def _products_changed(sender, *, product_ids, **kwargs) -> None:
    from contracts.services.catalog_index import catalog_index_refresh

    catalog_index_refresh(product_ids=product_ids)


def _vendor_listing_changed(sender, *, vendor, **kwargs) -> None:
    from catalog.selectors import products_of_vendor
    from contracts.services.catalog_index import catalog_index_refresh

    catalog_index_refresh(product_ids=products_of_vendor(vendor).values("pk"))
