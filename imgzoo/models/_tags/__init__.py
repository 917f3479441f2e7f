"""Pretrained tag tables, one file per family, kept apart from the model code."""
