from django.urls import path

from fupin.public import views, views_apply

app_name = "public"
urlpatterns = [
    path("notices/", views.notice_list, name="notices"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("notices/<int:pk>/print.pdf", views.notice_pdf_view, name="notice_pdf"),
    path("apply/", views_apply.apply, name="apply"),
    path("apply/status/", views_apply.apply_status, name="apply_status"),
]
