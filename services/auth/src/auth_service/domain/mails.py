"""What Auth-MS mails to people, as plain text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MailMessage:
    to: str
    subject: str
    body: str


def verify_email_mail(*, to: str, full_name: str, link: str) -> MailMessage:
    return MailMessage(
        to=to,
        subject="Confirm your email address",
        body=f"Hello {full_name},\n\nPlease confirm your email address by opening this link:\n\n{link}\n",
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


def set_password_mail(*, to: str, full_name: str, role: str, link: str) -> MailMessage:
    return MailMessage(
        to=to,
        subject="Your hospital account is ready",
        body=(
            f"Hello {full_name},\n\nAn administrator created a {role} account for you.\n"
            f"Choose your password here (the link works once):\n\n{link}\n"
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
