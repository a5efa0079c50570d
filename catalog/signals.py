"""What the catalog tells higher apps, without importing them.

`products_changed` is sent, inside the transaction that made the change and after its audit event,
whenever something a product's listing shows changed: the product itself, or its category's name.
`contracts` (the member catalog's search table) listens; see `contracts/apps.py`.
"""

from django.dispatch import Signal

# Arguments: product_ids (an iterable of ids or a QuerySet of {"pk": ...} values).
products_changed = Signal()
