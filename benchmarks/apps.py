from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """The national-scale benchmark (``manage.py benchmark``): tooling outside the product apps,
    installed only for its management command."""

    name = "benchmarks"
    verbose_name = "Benchmark"
    default_auto_field = "django.db.models.BigAutoField"
