"""ASGI middleware, one concern per module, declared in `create_app`'s list."""
