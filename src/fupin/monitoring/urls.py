from django.urls import path

from fupin.monitoring import views, views_register, views_warnings

app_name = "monitoring"
urlpatterns = [
    path("leads/", views.lead_list, name="lead_list"),
    path("leads/new/", views.lead_new, name="lead_new"),
    path("leads/export/", views.lead_export, name="lead_export"),
    path("leads/<int:pk>/", views.lead_detail, name="lead_detail"),
    path("report/<int:household_pk>/", views.cadre_report, name="cadre_report"),
    path("register/", views_register.register, name="register"),
    path("register/history/", views_register.register_history, name="register_history"),
    path("register/share/", views_register.register_share, name="register_share"),
    path("register/export/", views_register.register_export, name="register_export"),
    path("timeliness/", views_register.timeliness_page, name="timeliness"),
    path("warnings/", views_warnings.warning_list, name="warning_list"),
    path("warnings/export/", views_warnings.warning_export, name="warning_export"),
    path("warnings/<int:pk>/", views_warnings.warning_detail, name="warning_detail"),
    path("warnings/<int:pk>/report/", views_warnings.warning_report, name="warning_report"),
    path(
        "warnings/template/<str:department>/",
        views_warnings.warning_template,
        name="warning_template",
    ),
    path("warnings/outcomes/", views_warnings.outcome_list, name="outcome_list"),
    path("warnings/rules/", views_warnings.rules_list, name="rules_list"),
    path("warnings/rules/export/", views_warnings.rules_export, name="rules_export"),
    path("warnings/rules/<int:pk>/", views_warnings.rules_detail, name="rules_detail"),
    path("warnings/rules/edit/<str:department>/", views_warnings.rules_edit, name="rules_edit"),
]
