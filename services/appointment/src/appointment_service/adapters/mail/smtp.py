"""Patients' mails through SMTP (SMTP_URL): the text, and the calendar object as a .ics attachment."""

from __future__ import annotations

from appointment_service.domain.mails import PatientMail
from appointment_service.ports import MailRejected, MailSender, MailServerUnavailable
from hospital_shared import mail as smtp


def outgoing(mail: PatientMail) -> smtp.OutgoingMail:
    """The MIME-neutral mail: the .ics travels as bytes, so its CRLF line endings arrive untouched."""
    calendar = smtp.Attachment(
        filename=mail.calendar_filename,
        content_type="text/calendar",
        content=mail.calendar.encode("utf-8"),
        params={"method": mail.calendar_method, "charset": "UTF-8"},
    )
    return smtp.OutgoingMail(
        to=mail.to.address,
        to_name=mail.to.name,
        subject=mail.subject,
        body=mail.body,
        attachments=(calendar,),
    )


class SmtpMailSender(MailSender):
    def __init__(self, smtp_url: str, *, mail_from: str, timeout_seconds: float) -> None:
        self._transport = smtp.SmtpTransport(smtp_url, mail_from=mail_from, timeout_seconds=timeout_seconds)

    def send(self, mail: PatientMail) -> None:
        try:
            self._transport.send(outgoing(mail))
        except smtp.MailServerUnavailable as error:
            raise MailServerUnavailable(str(error)) from error
        except smtp.MailRejected as error:
            raise MailRejected(str(error)) from error
