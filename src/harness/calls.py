"""Placeholder: the call-boundary harness (replaced by its real implementation)."""
