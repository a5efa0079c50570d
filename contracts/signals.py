"""What the contracts app tells higher apps, without importing them.

`catalog_rows_changed` is sent by `contracts.services.catalog_index.catalog_index_refresh`, inside
the transaction of the change and after the member catalog's search table was rewritten, with the
ids of every product whose rows were removed or written (`product_ids`), or `everything=True`.
`matching` (the agreement terms copied onto its search table) listens; see `matching/apps.py`.
"""

from django.dispatch import Signal

# Arguments: product_ids (a list of ids; empty with everything=True), everything (bool).
catalog_rows_changed = Signal()
