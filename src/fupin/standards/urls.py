from django.urls import path

from fupin.standards import views

app_name = "standards"
urlpatterns = [
    path("policy/", views.policy_page, name="policy"),
]
