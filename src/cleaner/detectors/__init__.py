"""Built-in detector kinds; importing this package registers them."""

from . import mojibake, pattern

__all__ = ["mojibake", "pattern"]
