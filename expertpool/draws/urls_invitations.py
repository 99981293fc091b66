"""Invitation pages: the signed link (``<token>/``) and the expert's own list (``mine/``)."""

from django.urls import URLPattern, path

from expertpool.draws import views_invitations

app_name = "invitations"
urlpatterns: list[URLPattern] = [
    path("mine/", views_invitations.mine, name="mine"),
    path("mine/<int:pk>/accept/", views_invitations.mine_accept, name="mine_accept"),
    path("mine/<int:pk>/decline/", views_invitations.mine_decline, name="mine_decline"),
    path("<str:token>/", views_invitations.answer, name="answer"),
    path("<str:token>/accept/", views_invitations.answer_accept, name="answer_accept"),
    path("<str:token>/decline/", views_invitations.answer_decline, name="answer_decline"),
]
