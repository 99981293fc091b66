"""The site header offers each person the areas they can use."""

from django.test import Client
from django.urls import reverse

from expertpool.accounts.models import User


def header_links(client: Client) -> str:
    page = client.get("/").content.decode()
    return page[page.index('class="site-nav"') : page.index("</nav>")]


def test_an_applicant_gets_their_applications_but_no_console(client: Client, db: None) -> None:
    client.force_login(User.objects.create_user(username="applicant@example.cn", password="x"))

    links = header_links(client)

    assert reverse("applications:home") in links
    assert reverse("console:home") not in links


def test_pool_staff_get_the_console(client: Client, gz_admin: User) -> None:
    client.force_login(gz_admin)

    assert reverse("console:home") in header_links(client)


def test_anyone_reaches_the_public_notices_and_directory(client: Client, db: None) -> None:
    assert reverse("public:index") in header_links(client)
