"""Sending webhooks over HTTPS."""
