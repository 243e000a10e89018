from django.urls import path

from fupin.standards import views, views_runs

app_name = "standards"
urlpatterns = [
    path("policy/", views.policy_page, name="policy"),
    path("runs/", views_runs.run_list, name="run_list"),
    path("runs/export/", views_runs.run_export, name="run_export"),
    path("runs/<int:pk>/", views_runs.run_detail, name="run_detail"),
    path("verdicts/", views_runs.verdict_list, name="verdict_list"),
    path("verdicts/export/", views_runs.verdict_export, name="verdict_export"),
    path("verdicts/<int:pk>/", views_runs.verdict_detail, name="verdict_detail"),
]
