from django.urls import path

from surveys.views import members, staff

app_name = "surveys"
S = "surveys/<id:survey_id>/"
urlpatterns = [
    path("surveys/", members.survey_list, name="list"),
    path("surveys/new/", staff.survey_new, name="new"),
    path(S, members.survey_detail, name="detail"),
    path(S + "edit/", staff.survey_edit, name="edit"),
    path(S + "publish/", staff.survey_publish_view, name="publish"),
    path(S + "close/", staff.survey_close_view, name="close"),
    path(S + "answers/", members.answer, name="answer"),
    path(S + "answers/csv/", members.answer_csv, name="answer-csv"),
    path(S + "answers/template.csv", members.answer_template, name="answer-template"),
    path(S + "responses/<id:response_id>/", members.response_detail, name="response"),
    path(S + "demand/", staff.demand, name="demand"),
    path(S + "demand.csv", staff.demand_csv, name="demand-csv"),
    path(S + "demand.xlsx", staff.demand_xlsx, name="demand-xlsx"),
    path(S + "solicitation/", staff.solicitation_create_view, name="solicitation"),
    path(S + "declared-vs-bought/", staff.declared_vs_bought, name="declared-bought"),
    path(S + "needs/<id:need_id>/link/", staff.need_link_view, name="need-link"),
]
