"""Writes for sourcing. Import from the submodules: solicitations, questions, bids, evaluation,
awards."""
