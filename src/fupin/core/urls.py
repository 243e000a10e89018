from django.urls import path

from fupin.core import views, views_audit, views_jobs

app_name = "core"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("region/select/", views.region_select, name="region_select"),
    path("region/switcher/", views.region_switcher, name="region_switcher"),
    path("audit/", views_audit.audit_list, name="audit_list"),
    path("audit/export/", views_audit.audit_export, name="audit_export"),
    path("audit/export/background/", views_audit.audit_export_start, name="audit_export_start"),
    path("audit/<int:pk>/", views_audit.audit_detail, name="audit_detail"),
    path("jobs/", views_jobs.job_list, name="job_list"),
    path("jobs/<uuid:pk>/", views_jobs.job_detail, name="job_detail"),
    path("jobs/<uuid:pk>/download/", views_jobs.job_download, name="job_download"),
]
