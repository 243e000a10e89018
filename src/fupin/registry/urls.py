from django.urls import path

from fupin.registry import views, views_import, views_persons, views_template

app_name = "registry"
urlpatterns = [
    path("", views.household_list, name="household_list"),
    path("new/", views.household_create, name="household_create"),
    path("export/", views_persons.export, name="export"),
    path("template/", views_template.template_download, name="template_download"),
    path("import/", views_import.import_page, name="import"),
    path("<int:pk>/", views.household_detail, name="household_detail"),
    path("<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("<int:pk>/members/new/", views.member_add, name="member_add"),
    path("<int:pk>/income/", views.income_save, name="income_save"),
    path("<int:pk>/designation/", views.designation_change, name="designation_change"),
    path("persons/", views_persons.person_list, name="person_list"),
    path("persons/<int:pk>/", views_persons.person_detail, name="person_detail"),
    path("persons/<int:pk>/edit/", views_persons.person_edit, name="person_edit"),
    path("persons/<int:pk>/reveal-id/", views_persons.person_reveal_id, name="person_reveal_id"),
    path("persons/<int:pk>/remove/", views_persons.member_remove, name="member_remove"),
]
