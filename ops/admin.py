from django.contrib import admin

from common.admin import AppendOnlyAdmin

from .models import JobRun


@admin.register(JobRun)
class JobRunAdmin(AppendOnlyAdmin):
    """The run history of the periodic jobs: read-only (the daily cleanup purges it after a year)."""

    list_display = ["started", "job", "source", "attempt", "outcome", "finished", "host"]
    list_filter = ["job", "outcome", "source"]
    search_fields = ["job", "task_id", "error"]
    date_hierarchy = "started"
    readonly_fields = [f.name for f in JobRun._meta.fields]
