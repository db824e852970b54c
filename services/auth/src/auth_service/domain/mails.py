"""What Auth-MS mails to people, as plain text.

A mail to an address nobody has proved yet carries no text a stranger wrote (no name, no message): otherwise
registration would let anyone send the hospital's mail, with their words in it, to any address.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MailMessage:
    to: str
    subject: str
    body: str


def verify_email_mail(*, to: str, link: str) -> MailMessage:
    return MailMessage(
        to=to,
        subject="Confirm your email address",
        body=(
            "Hello,\n\nA patient account of the hospital's appointment service was created with this\n"
            "address.\n"
            f"Please confirm it by opening this link:\n\n{link}\n\n"
            "If it was not you, ignore this mail.\n"
        ),
    )


def password_reset_mail(*, to: str, link: str, minutes: int) -> MailMessage:
    return MailMessage(
        to=to,
        subject="Reset your password",
        body=(
            "Someone asked to reset the password of your hospital account.\n\n"
            f"Open this link within {minutes} minutes to choose a new password (it works once):\n\n{link}\n\n"
            "If it was not you, ignore this mail: your password stays as it is.\n"
        ),
    )


def set_password_mail(*, to: str, role: str, link: str, hours: int) -> MailMessage:
    return MailMessage(
        to=to,
        subject="Your hospital account is ready",
        body=(
            f"Hello,\n\nAn administrator of the hospital created a {role} account for this address.\n"
            f"Choose your password here within {hours} hours (the link works once):\n\n{link}\n\n"
            "After that, ask an administrator for a new invitation.\n"
        ),
    )


def already_registered_mail(*, to: str, sign_in_link: str, reset_link: str) -> MailMessage:
    return MailMessage(
        to=to,
        subject="Someone tried to register with your email address",
        body=(
            "Someone tried to create a hospital account with your email address, which already has one.\n\n"
            f"If it was you, sign in here: {sign_in_link}\nor reset your password here: {reset_link}\n"
        ),
    )


def identity_linked_mail(*, to: str, provider: str, account_link: str) -> MailMessage:
    # Names nothing from the provider account: only what this server knows, so it cannot carry a lure.
    return MailMessage(
        to=to,
        subject="A sign-in method was added to your account",
        body=(
            f"Someone who knew your password linked a {provider} account to your hospital account;\n"
            f"it can now sign in to it.\n\nSee or remove your linked accounts here: {account_link}\n\n"
            "If it was not you, remove the link and reset your password (a reset removes every link).\n"
        ),
    )
