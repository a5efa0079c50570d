"""Reads for compliance. Import from the submodules: rules, evidence, verdicts (facts loading,
the single check and the matrix)."""
