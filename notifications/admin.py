from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.text import one_line

from .models import EmailStatus, Notification


class MailProblemFilter(admin.SimpleListFilter):
    """The administrator's list of failed mail: given up after the last attempt, or failing and
    still being retried, each with its error."""

    title = _("thư gửi lỗi")
    parameter_name = "thu_loi"

    def lookups(self, request, model_admin):
        return [
            ("failed", _("Gửi lỗi, đã dừng gửi lại")),
            ("retrying", _("Gửi lỗi, đang thử lại")),
            ("any", _("Mọi thư gửi lỗi")),
        ]

    def queryset(self, request, queryset):
        failed = queryset.filter(email_status=EmailStatus.FAILED)
        retrying = queryset.filter(email_status=EmailStatus.PENDING).exclude(email_error="")
        return {"failed": failed, "retrying": retrying, "any": failed | retrying}.get(self.value(), queryset)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Recorded notifications: read-only, with their mail status and error; failed mail can be
    retried."""

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
        "mail_error",
    ]
    list_filter = [MailProblemFilter, "obligation", "stage", "email_status"]
    search_fields = ["title", "recipient__username", "recipient__email", "email_error"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    readonly_fields = [f.name for f in Notification._meta.fields]
    actions = ["retry_email"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("lỗi gửi thư"), ordering="email_error")
    def mail_error(self, obj):
        return one_line(obj.email_error, 160)

    @admin.action(description=_("Gửi lại thư điện tử"))
    def retry_email(self, request, queryset):
        count = (
            queryset.exclude(email_status__in=["sent", "digest", "digested"])
            .filter(recipient__email__gt="")
            .update(email_status="pending", email_attempts=0, email_error="")
        )
        self.message_user(request, _("%(count)s thông báo sẽ được gửi lại thư ở lần quét tới.") % {"count": count})
