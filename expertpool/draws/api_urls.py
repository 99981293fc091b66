from django.urls import path

from expertpool.draws import api, api_invitations

urlpatterns = [
    path("draws/verify", api.DrawVerifyView.as_view(), name="api-draw-verify"),
    path("pools/<slug:slug>/draws", api.PoolDrawListView.as_view(), name="api-pool-draws"),
    path("draws/<int:pk>", api.DrawRecordView.as_view(), name="api-draw"),
    path("draws/<int:pk>/reveal", api.DrawRevealView.as_view(), name="api-draw-reveal"),
    path("activities/<int:pk>/draws", api.ActivityDrawCommitView.as_view(), name="api-activity-draws"),
    path("invitations/", api_invitations.InvitationListView.as_view(), name="api-invitations"),
    path("invitations/<int:pk>/accept", api_invitations.InvitationAcceptView.as_view(), name="api-invitation-accept"),
    path(
        "invitations/<int:pk>/decline", api_invitations.InvitationDeclineView.as_view(), name="api-invitation-decline"
    ),
]
