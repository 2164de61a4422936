"""The ASGI faces: the AWS wire API on ``/`` and the admin endpoints beside it."""

from vpcsim.server.asgi import build_asgi

__all__ = ["build_asgi"]
