"""Admin list filters limited to what each admin declares.

Django's admin accepts any query-string lookup on a model's own fields and one relation away
(`/admin/vendors/vendor/?bids__isnull=False`, `/admin/audit/auditevent/?seq__gte=...`), and its
result counts then tell what the pages would not show: which vendors have bid before a deadline,
where sealed audit events sit in the chain. Every EdPool admin takes this mixin: a lookup is
allowed only on a field named in its `list_filter` (and Django's own checks still apply).

This module is a foundation: it imports nothing from EdPool's apps.
"""

from __future__ import annotations


class DeclaredLookupsOnly:
    def _declared_lookups(self) -> set[str]:
        names = set()
        for entry in getattr(self, "list_filter", ()):
            if isinstance(entry, str):
                names.add(entry)
            elif isinstance(entry, (tuple, list)) and entry and isinstance(entry[0], str):
                names.add(entry[0])
            elif isinstance(getattr(entry, "parameter_name", None), str):  # a SimpleListFilter
                names.add(entry.parameter_name)
        return names

    def lookup_allowed(self, lookup, value, request=None):
        declared = self._declared_lookups()
        if not any(lookup == name or lookup.startswith(name + "__") for name in declared):
            return False
        return super().lookup_allowed(lookup, value, request)
