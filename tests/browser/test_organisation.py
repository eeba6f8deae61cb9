"""Work on an organisation's page: a hub manager invites a colleague, a company member shares files."""

from __future__ import annotations

import re

import pytest
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from playwright.sync_api import expect

from .support import UPLOAD_LIMIT, Tab

COMPANY = "Précision Mosellane SARL (démo)"


def minimal_pdf(note: str) -> bytes:
    """A small, well-formed one-page PDF."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
    ]
    stream = f"BT /F1 12 Tf 72 770 Td ({note}) Tj ET".encode()
    objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    body = b"%PDF-1.4\n"
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return body


def open_company_page_as_member(tab: Tab) -> None:
    tab.log_in("company@demo.moselle.lu")
    tab.page.get_by_role("link", name=COMPANY).click()
    tab.landed(tab.heading().filter(has_text=COMPANY))


@pytest.mark.browser
def test_hub_manager_invites_a_colleague_from_the_organisation_page(tab: Tab) -> None:
    page = tab.page
    tab.log_in("manager@demo.moselle.lu")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Organisations").click()
    tab.landed(tab.heading().filter(has_text="Organisations"))
    page.get_by_role("link", name=COMPANY).click()
    tab.landed(tab.heading().filter(has_text=COMPANY))

    invite = page.locator("form").filter(has=page.get_by_role("button", name="Send the invitation"))
    invite.get_by_label("E-mail").fill("new.colleague@example.org")
    invite.get_by_label("Role").select_option("company_member")
    invite.get_by_role("button", name="Send the invitation").click()

    tab.landed(page.get_by_role("status").get_by_text("The invitation was sent."))
    expect(page).to_have_url(re.compile(r"/organisations/\d+/$"))
    open_invitations = page.get_by_role("heading", name="Open invitations")
    expect(open_invitations).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="new.colleague@example.org")).to_contain_text("company member")


@pytest.mark.browser
def test_hub_manager_sees_the_field_error_for_a_bad_invitation(tab: Tab) -> None:
    page = tab.page
    tab.log_in("manager@demo.moselle.lu")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Organisations").click()
    tab.landed(tab.heading().filter(has_text="Organisations"))
    page.get_by_role("link", name=COMPANY).click()
    tab.landed(tab.heading().filter(has_text=COMPANY))

    invite = page.locator("form").filter(has=page.get_by_role("button", name="Send the invitation"))
    # The role list offers only the roles a company can give: never a hub role.
    expect(invite.get_by_label("Role").locator("option[value='hub_advisor']")).to_have_count(0)
    for attempt in (1, 2):
        invite = page.locator("form").filter(has=page.get_by_role("button", name="Send the invitation"))
        invite.get_by_label("E-mail").fill("twice.invited@example.org")
        invite.get_by_label("Role").select_option("company_member")
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            invite.get_by_role("button", name="Send the invitation").click()
        if attempt == 1:
            tab.landed(page.get_by_text("The invitation was sent."))
    # Inviting the same person again is refused on the e-mail field.
    assert answer.value.status == 400
    tab.landed(invite.get_by_role("alert"))
    expect(invite.get_by_role("alert")).to_contain_text("already been invited")
    expect(invite.get_by_label("E-mail")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("listitem").filter(has_text="twice.invited@example.org")).to_have_count(1)


@pytest.mark.browser
def test_company_member_uploads_a_pdf_and_sees_it_listed(tab: Tab) -> None:
    page = tab.page
    open_company_page_as_member(tab)
    content = minimal_pdf("Site visit report")
    upload = page.locator("form").filter(has=page.get_by_role("button", name="Upload"))
    upload.get_by_label("File").set_input_files(
        files=[{"name": "site-visit-report.pdf", "mimeType": "application/pdf", "buffer": content}]
    )
    upload.get_by_role("button", name="Upload").click()

    tab.landed(page.get_by_role("status").get_by_text("The file was uploaded."))
    listed = page.get_by_role("link", name="site-visit-report.pdf")
    expect(listed).to_be_visible()
    # The listed file downloads with the very bytes that were uploaded.
    with page.expect_download() as download:
        listed.click()
    assert download.value.suggested_filename == "site-visit-report.pdf"
    assert download.value.path().read_bytes() == content


def refusal(reason: str) -> str:
    """The field error the server gives, in English, for an upload refused for ``reason``."""
    if reason == "wrong-type":
        return "This type of file is not accepted. Accepted types: CSV, DOCX, JPEG, PDF, PNG, XLSX."
    with translation.override("en"):
        return f"The file is larger than the limit of {filesizeformat(UPLOAD_LIMIT)}."


@pytest.mark.browser
@pytest.mark.parametrize(
    ("reason", "name", "mime", "content"),
    [
        ("too-large", "too-large.pdf", "application/pdf", b"%PDF-1.4\n" + b"0" * (2 * UPLOAD_LIMIT)),
        ("wrong-type", "setup.exe", "application/octet-stream", b"MZ\x90\x00\x03\x00" + bytes(range(256)) * 4),
    ],
    ids=["too-large", "wrong-type"],
)
def test_refused_upload_shows_the_field_error(tab: Tab, reason: str, name: str, mime: str, content: bytes) -> None:
    message = refusal(reason)
    page = tab.page
    open_company_page_as_member(tab)
    upload = page.locator("form").filter(has=page.get_by_role("button", name="Upload"))
    upload.get_by_label("File").set_input_files(files=[{"name": name, "mimeType": mime, "buffer": content}])
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        upload.get_by_role("button", name="Upload").click()
    assert answer.value.status == 400

    tab.landed(upload.get_by_role("alert"))
    expect(upload.get_by_role("alert")).to_have_text(message)
    expect(upload.get_by_label("File")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("link", name=name)).to_have_count(0)
    expect(page.get_by_role("status")).to_have_count(0)
