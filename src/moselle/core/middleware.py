"""Answers under ``/api/`` that Django or django-ninja make before any operation runs, in the API's JSON."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

API_PREFIX = "/api/"


class ApiMethodNotAllowedMiddleware:
    """A method an API path does not take gets the API's error body, naming the methods it does take
    (django-ninja answers such a request with a plain-text 405)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code != 405
            or not request.path.startswith(API_PREFIX)
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        allowed = response.get("Allow", "")
        methods = ", ".join(sorted(method.strip() for method in allowed.split(",") if method.strip()))
        detail = f"{request.method} is not allowed on this path; use {methods}." if methods else "Method not allowed."
        answer = JsonResponse({"detail": detail, "errors": []}, status=405)
        if allowed:
            answer["Allow"] = allowed
        return answer
