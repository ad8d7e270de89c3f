from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Recorded notifications: read-only, with their mail status; failed mail can be retried."""

    list_display = [
        "created_at",
        "recipient",
        "obligation",
        "stage",
        "due_on",
        "title",
        "read_at",
        "email_status",
        "email_attempts",
    ]
    list_filter = ["obligation", "stage", "email_status"]
    search_fields = ["title", "recipient__username", "recipient__email"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    readonly_fields = [f.name for f in Notification._meta.fields]
    actions = ["retry_email"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Gửi lại thư điện tử"))
    def retry_email(self, request, queryset):
        count = (
            queryset.exclude(email_status__in=["sent", "digest", "digested"])
            .filter(recipient__email__gt="")
            .update(email_status="pending", email_attempts=0, email_error="")
        )
        self.message_user(request, _("%(count)s thông báo sẽ được gửi lại thư ở lần quét tới.") % {"count": count})
