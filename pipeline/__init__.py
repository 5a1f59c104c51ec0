"""Township cadre work-style rectification ledger pipeline (干部作风整顿问题清单汇总)."""

__version__ = "0.1.0"
