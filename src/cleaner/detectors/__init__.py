"""Built-in detector kinds: every module in this package registers its kinds when imported.

The modules are discovered rather than listed, so adding a detector kind is one new module
(plus its tests and an example rule) and no shared file changes.
"""

import importlib
import pkgutil

for _info in pkgutil.iter_modules(__path__):
    if _info.name not in ("base", "common"):
        importlib.import_module(f"{__name__}.{_info.name}")
