from django.urls import path

from . import views

app_name = "petitions"

urlpatterns = [
    path("", views.petition_list, name="list"),
    path("can-xu-ly/", views.inbox, name="inbox"),
    path("<int:pk>/", views.petition_detail, name="detail"),
    path("<int:pk>/tra-loi/", views.reply_create, name="reply"),
    path("<int:pk>/tra-loi/du-thao.docx", views.reply_draft, name="reply_draft"),
    path("<int:pk>/chuyen/", views.forward_create, name="forward"),
    path("<int:pk>/phuc-tap/", views.complex_create, name="complex"),
    path("<int:pk>/thu-hoi/", views.petition_withdraw, name="withdraw"),
    path("tep/tra-loi/<int:pk>/", views.reply_letter, name="reply_letter"),
    path("tep/chuyen/<int:pk>/", views.forward_letter, name="forward_letter"),
    path("tep/phuc-tap/<int:pk>/", views.complex_letter, name="complex_letter"),
]
