from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from expertpool.accounts.permissions import pools_for_user
from expertpool.pools.models import Pool


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"pools": Pool.objects.filter(is_active=True)})


@login_required
def console_home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/console_home.html", {"pools": pools_for_user(request.user)})
