"""Presidio recognizers for Italian PHI, one module per family; analyzer.py assembles them."""
