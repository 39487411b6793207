"""Only staff may see the admin: a visitor is sent to the log-in form."""

import hubsite
from django.contrib.auth import get_user_model
from django.test import Client

visitor = Client()  # a browser that has not logged in
response = visitor.get("/admin/hub/device/")
print(response.status_code, "->", response.headers["Location"])

hubsite.logged_in()  # makes the superuser "teacher", password "a-long-password"
get_user_model().objects.create_user("guest", password="a-long-password")  # not staff
for username, password in [("teacher", "wrong-password"), ("guest", "a-long-password")]:
    response = visitor.post("/admin/login/", {"username": username, "password": password})
    print(username, response.status_code, hubsite.texts(response.content.decode(), "p",
                                                         class_="errornote"))

teacher = hubsite.logged_in()  # the superuser
page = teacher.get("/admin/").content.decode()
for app in hubsite.find_all(hubsite.Page(page).root, "table"):  # one table per app
    models = [hubsite.text_of(th) for th in hubsite.find_all(app, "th", scope="row")]
    print(hubsite.text_of(hubsite.find_all(app, "caption")[0]) + ":", ", ".join(models))
