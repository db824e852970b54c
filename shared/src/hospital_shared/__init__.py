"""The service defaults every hospital micro-service shares (the platform's `ServiceDefaults`)."""
