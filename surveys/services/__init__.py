"""Writes of the surveys app: surveys (staff), answers (district buyers), the solicitation made
from a survey (staff). Each takes `actor` and records an audit event for every change."""
