"""Open data: the /open-data page, its datasets (JSON and CSV), 360Giving, OpenAPI, and
the readable audit trail (``audit_trail``; its page is ``/audit`` in ``pb.main``)."""
