"""Integrations with other engines (Ray Data); each is imported only when used."""
