from django.urls import path

from fupin.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.region_list, name="list"),
    path("export/", views.region_export, name="export"),
    path("<str:pk>/", views.region_detail, name="detail"),
    path("<str:pk>/edit/", views.region_edit, name="edit"),
]
