from django.urls import path

from fupin.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("leads/", views.lead_list, name="lead_list"),
    path("leads/new/", views.lead_new, name="lead_new"),
    path("leads/export/", views.lead_export, name="lead_export"),
    path("leads/<int:pk>/", views.lead_detail, name="lead_detail"),
    path("report/<int:household_pk>/", views.cadre_report, name="cadre_report"),
]
