"""Writes for contracts: agreements (from awards, schedule, signature, renewal, termination,
amendments, documents) and participation (mini-competition, quotes, joining)."""
