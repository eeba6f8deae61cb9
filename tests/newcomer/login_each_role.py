"""Log in over HTTP as each demo role and check that role's home page, in that person's language."""

from __future__ import annotations

import html
import http.cookiejar
import re
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import polib

PASSWORD = "moselle-demo-2026"
LOCALE = Path(__file__).resolve().parents[2] / "src" / "moselle" / "locale"
# Each demo person, the heading of their home, and the language of their profile.
HOMES = {
    "manager@demo.moselle.lu": ("Hub dashboard", "en"),
    "advisor@demo.moselle.lu": ("Hub dashboard", "fr"),
    "partner@demo.moselle.lu": ("Your space", "de"),
    "company@demo.moselle.lu": ("Your space", "en"),
    "provider@demo.moselle.lu": ("Your space", "en"),
    "observer@demo.moselle.lu": ("Figures", "en"),
    "pending@demo.moselle.lu": ("Waiting for approval", "en"),
}


def translated(text: str, language: str) -> str:
    if language == "en":
        return text
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    entry = catalogue.find(text)
    assert entry and entry.msgstr, f"no {language} translation of {text!r}"
    return html.escape(entry.msgstr, quote=False)


def log_in(base: str, email: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("Accept-Language", "en")]
    page = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, "the log-in page has no CSRF token"
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1), "login": email, "password": PASSWORD}
    ).encode()
    request = urllib.request.Request(f"{base}/accounts/login/", data=data, headers={"Referer": f"{base}/"})
    response = opener.open(request)
    assert response.geturl().rstrip("/") == base, f"{email}: log-in ended at {response.geturl()}"
    return response.read().decode()


def main(base: str) -> int:
    failures = []
    for email, (english, language) in HOMES.items():
        heading = translated(english, language)
        home = log_in(base, email)
        if f">{heading}</h" not in home:
            failures.append(f"{email}: home has no heading {heading!r}")
        else:
            print(f"ok  {email:<28} {heading}")
    for failure in failures:
        print("FAIL", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1].rstrip("/")))
