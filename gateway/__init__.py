"""The ASGI application: routes, authentication, request context, settings, errors → HTTP."""

from gateway.app import create_app
from gateway.settings import Settings

__all__ = ["Settings", "create_app"]
