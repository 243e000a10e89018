from django.urls import path

from fupin.assistance import views

app_name = "assistance"
urlpatterns = [
    path("pairings/", views.pairing_list, name="pairing_list"),
    path("pairings/export/", views.pairing_export, name="pairing_export"),
    path("pairings/<int:pk>/", views.pairing_detail, name="pairing_detail"),
    path("pairings/set/<int:household_pk>/", views.pairing_set, name="pairing_set"),
]
