"""Data leaving and returning: exports (JSON, CSV, Markdown, iCalendar) and imports.

Each format is one module; `selection` decides what is exported and how it is
anonymised; `files` writes output files safely.
"""
