"""The demo consortium: `edpool demo` builds it (idempotently) from real public data plus
clearly fictional people and companies. Later capabilities add their own demo data here."""
