"""National-scale benchmark: a synthetic dataset loaded with COPY (``dataset``), the measured
cases beside their hand-written SQL baselines (``cases``) and an HTTP load run (``http``).
Run by ``python manage.py benchmark``; see docs/PERFORMANCE.md."""
