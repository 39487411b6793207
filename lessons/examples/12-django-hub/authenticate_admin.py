"""AdminTokenAuthentication at work: its three answers, and what DRF makes of each."""

from django_hub import ADMIN, finished_hub, show

with finished_hub() as hub:
    from hub.authentication import AdminTokenAuthentication
    from rest_framework.exceptions import AuthenticationFailed
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    factory = APIRequestFactory()  # builds requests without sending them
    for header in [None, "Bearer wrong-token", "Basic lesson-admin-token",
                   "Bearer lesson-admin-token"]:
        extra = {"HTTP_AUTHORIZATION": header} if header else {}
        request = Request(factory.post("/api/v1/devices", **extra))
        try:
            answer = AdminTokenAuthentication().authenticate(request)
        except AuthenticationFailed as error:
            print(f"{header!s:27} -> raises {type(error).__name__}: {error.detail}")
        else:
            shown = None if answer is None else (str(answer[0]), answer[1])
            print(f"{header!s:27} -> returns {shown}")

    print("Through the hub:")
    device = {"id": "kitchen", "name": "Kitchen Uno", "kind": "arduino-uno"}
    nobody = hub.post("/api/v1/devices", json=device)
    show(nobody)
    print("    WWW-Authenticate:", nobody.headers["WWW-Authenticate"])
    show(hub.post("/api/v1/devices", json=device,
                  headers={"Authorization": "Bearer wrong-token"}))
    show(hub.post("/api/v1/devices", json=device, headers=ADMIN))
