from django.urls import path

from fupin.reports import views, views_tables

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("rebuild/", views.rebuild, name="rebuild"),
    path("tables/", views_tables.table_list, name="tables"),
]
