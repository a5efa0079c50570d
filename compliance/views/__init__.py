"""Compliance pages: the check and recorded decisions (check), the matrix (matrix), rules
(rules), vendors' evidence, general offers and documents (evidence)."""
