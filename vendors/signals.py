"""What vendors tell higher apps, without importing them.

`vendor_listing_changed` is sent, inside the transaction that made the change, when something
that product listings show about a vendor changed (its legal name). `contracts` (the member
catalog's search table) listens; see `contracts/apps.py`.
"""

from django.dispatch import Signal

# Arguments: vendor (the Vendor).
vendor_listing_changed = Signal()
