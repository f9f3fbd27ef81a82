"""One place for Keras's identifier rules shared by ``gt.regularizers`` and ``gt.constraints``:
``serialize`` to ``{"class_name", "config"}``, ``deserialize`` from it, and ``get`` from None,
a name, such a dict, a class, an instance or a callable."""

from __future__ import annotations

from typing import Any, Callable


def serialize(obj: Any, base: type, kind: str) -> dict:
    if not isinstance(obj, base):
        raise TypeError(f"serialize: expected a {kind}, got {type(obj).__name__}")
    return {"class_name": type(obj).__name__, "config": obj.get_config()}


def deserialize(config: Any, by_name: dict, kind: str, custom_objects: dict | None = None) -> Any:
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"deserialize: expected a dict with 'class_name' and 'config', got {config!r}")
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or by_name.get(name)
    if cls is None:
        raise ValueError(f"Unknown {kind} class {name!r}; known: {', '.join(sorted(by_name))} "
                         "(pass custom_objects={name: cls} for your own)")
    return cls.from_config(dict(config.get("config") or {}))


def get(identifier: Any, base: type, by_name: dict, kind: str, example: str,
        special: dict | None = None) -> Any:
    """``special`` maps names to ready-made instances' factories (checked before ``by_name``)."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier, by_name, kind)
    if isinstance(identifier, str):
        make: Callable | None = (special or {}).get(identifier) or by_name.get(identifier)
        if make is None:
            known = sorted(set(by_name) | set(special or {}))
            raise ValueError(f"Could not interpret {kind} identifier {identifier!r}; known names: "
                             f"{', '.join(known)}")
        return make()
    if isinstance(identifier, type) and issubclass(identifier, base):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret {kind} identifier {identifier!r}: pass None, a name "
                     f"such as {example!r}, a dict from serialize(), a {base.__name__} or a "
                     "function of one tensor")
