from django.urls import path

from fupin.standards import views, views_indicators, views_runs

app_name = "standards"
urlpatterns = [
    path("policy/", views.policy_page, name="policy"),
    path("runs/", views_runs.run_list, name="run_list"),
    path("runs/export/", views_runs.run_export, name="run_export"),
    path("runs/<int:pk>/", views_runs.run_detail, name="run_detail"),
    path("verdicts/", views_runs.verdict_list, name="verdict_list"),
    path("verdicts/export/", views_runs.verdict_export, name="verdict_export"),
    path("verdicts/<int:pk>/", views_runs.verdict_detail, name="verdict_detail"),
    path("indicators/", views_indicators.indicators_page, name="indicators"),
    path("exit-evaluations/", views_indicators.evaluation_list, name="evaluation_list"),
    path("exit-evaluations/export/", views_indicators.evaluation_export, name="evaluation_export"),
    path(
        "exit-evaluations/<int:pk>/", views_indicators.evaluation_detail, name="evaluation_detail"
    ),
]
