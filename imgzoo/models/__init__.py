"""Model families, one file each; the registry imports them on first use."""
