"""Data files shipped with mtqa (lexicons, exonyms, outlets, page furniture, the coverage model), read with importlib.resources."""
