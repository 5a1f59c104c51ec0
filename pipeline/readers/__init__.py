"""Reading received files, behind ``pipeline/ingest.py``: recognising a file's format and refusing
what cannot be read (``formats``), loading its sheets with what the parser leaves unsaid
(``sheets``), finding a kind's table and reading its rows (``tables``), and the worker pool that
archives and reads each file within memory and time caps (``pool``)."""
