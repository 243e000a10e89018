from django.urls import path

from fupin.procedures import views, views_work

app_name = "procedures"
urlpatterns = [
    path("", views.procedure_list, name="list"),
    path("export/", views.procedure_export, name="export"),
    path("work/", views_work.worklist, name="worklist"),
    path("work/bulk/", views_work.worklist_bulk, name="worklist_bulk"),
    path("<int:pk>/", views.procedure_detail, name="detail"),
    path("<int:pk>/objection/", views.objection_record, name="objection_record"),
    path("start/<int:household_pk>/", views.procedure_start, name="start"),
    path(
        "from-verdicts/<str:kind>/",
        views_work.start_from_verdicts,
        name="start_from_verdicts",
    ),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("objections/", views_work.objection_list, name="objection_list"),
    path("objections/export/", views_work.objection_export, name="objection_export"),
    path("objections/<int:pk>/", views_work.objection_detail, name="objection_detail"),
    path("objections/<int:pk>/answer/", views.objection_answer, name="objection_answer"),
]
