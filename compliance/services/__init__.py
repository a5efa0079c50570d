"""Writes for compliance. Import from the submodules: rules (load-rules), evidence (DPAs,
joinders, accessibility reports, attestations), decisions."""
