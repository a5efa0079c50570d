from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Matching: finding the right edtech for a need"

    def ready(self):
        # The search table copies product listings: lower apps announce changes through signals
        # (they may not import matching); see matching/index.py.
        from catalog.signals import products_changed
        from django.db.models.signals import post_save
        from vendors.signals import vendor_listing_changed

        from catalog.models import Product
        from contracts.signals import catalog_rows_changed

        products_changed.connect(_products_changed, dispatch_uid="matching.index.products")
        vendor_listing_changed.connect(_vendor_listing_changed, dispatch_uid="matching.index.vendor")
        # A new product is announced by no signal (`product_create`): its save is.
        post_save.connect(_product_saved, sender=Product, dispatch_uid="matching.index.product_saved")
        # Agreement terms copied onto the search rows follow the member catalog's rows.
        catalog_rows_changed.connect(_catalog_rows_changed, dispatch_uid="matching.index.terms")


def _products_changed(sender, *, product_ids, **kwargs) -> None:
    from matching.index import index_refresh

    index_refresh(product_ids=product_ids)


def _vendor_listing_changed(sender, *, vendor, **kwargs) -> None:
    from catalog.selectors import products_of_vendor
    from matching.index import index_refresh

    index_refresh(product_ids=products_of_vendor(vendor).values("pk"))


def _product_saved(sender, *, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    from matching.index import index_refresh

    index_refresh(product_ids=[instance.pk])


def _catalog_rows_changed(sender, *, product_ids, everything=False, **kwargs) -> None:
    from matching.index import terms_refresh

    terms_refresh(product_ids=product_ids, everything=everything)
