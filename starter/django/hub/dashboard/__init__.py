"""``/dashboard/``: the hub's web pages for people, beside the JSON API for programs.

This package is given code: it has nothing for you to write and no test grades it. Lesson
13, "A dashboard with Django templates", explains it line by line; it is the twin of the
Flask hub's ``hub/dashboard.py`` (lesson 9). The pages are HTML made from Django templates
(``hub/templates/dashboard/``); the data comes from the same tables the API writes::

    GET  /dashboard/login                  the log-in form
    POST /dashboard/login                  paste the admin token: logged in for this browser
    POST /dashboard/logout                 forget it
    GET  /dashboard/                       every device and its latest values
    GET  /dashboard/devices/<id>           one device: latest values, a chart, buttons, commands
    POST /dashboard/devices/<id>/commands  a button: queue a command for the device

The modules: ``views`` (the pages), ``forms`` (the log-in form and the buttons), ``urls``
(the routes, included by ``config.urls`` under ``dashboard/``); the filter ``when`` is in
``hub/templatetags/dashboard.py``.

How it stays safe:

- Every page but the log-in form needs the admin. The admin logs in once by pasting the
  admin token; the hub compares it with ``hmac.compare_digest`` and remembers the answer in
  Django's *session*: the data stays in the hub's database, and the browser's cookie holds
  only a long random key to it.
- Every form carries a CSRF token (``{% csrf_token %}``; Django's ``CsrfViewMiddleware``
  checks it): another web site can make your browser send a form to the hub, with your
  cookies, but it cannot read the token, so the hub refuses its form with 403. The JSON
  API's views are exempt: they authenticate with headers, which a browser never adds by
  itself.
- Django's templates escape every value they write into the HTML: a device called
  ``<script>...</script>`` shows as text, and never runs in the admin's browser.
"""
