"""Kind-switched recipe sections: one config class per kind, chosen by a key.

A section such as `model` is a pydantic discriminated union: `model.type`
picks the class (`MlpModel`, `CnnModel`, ...), and that class alone declares
the keys the kind uses, with the kind's defaults. The key may be left out of
a recipe, which picks the section's default kind.

Adding a kind is one class and one decorator in the section's schema module;
keys every kind of a section shares go on the section's base class.

Example:

>>> MODEL_TYPES = Kinds("model", "type", default="mlp")
>>> @MODEL_TYPES.register
... class MlpModel(ModelBase):
...     type: Literal["mlp"] = "mlp"
...     hidden: list[int] = [256, 128]
>>> class Recipe(Section):
...     model: MODEL_TYPES.union() = Field(default_factory=MODEL_TYPES.default_class)
"""

from __future__ import annotations

import typing
from typing import Annotated, Any, ClassVar, Optional, Union

from pydantic import BaseModel, Discriminator, Tag, model_serializer

from keras_recipes.config.sections import Section


class KindSection(Section):
    """Base of every kind class. `unused_reason`, when set, explains in error messages why
    the kind takes none of its siblings' keys (e.g. the baseline has no hidden layer)."""

    unused_reason: ClassVar[Optional[str]] = None
    kinds: ClassVar[Optional["Kinds"]] = None

    @classmethod
    def shared_class(cls) -> type["KindSection"]:
        """The section's base class: the keys every kind of the section shares."""
        return next(c for c in reversed(cls.__mro__) if isinstance(c, type)
                    and issubclass(c, KindSection) and c is not KindSection)

    @classmethod
    def own_keys(cls) -> list[str]:
        """The keys this kind adds to (or redefines on) the section's shared keys."""
        shared = cls.shared_class().model_fields
        return [k for k, f in cls.model_fields.items()
                if k not in shared or (f.default != shared[k].default and k != cls.kinds.key)]

    @classmethod
    def key_order(cls) -> list[str]:
        """The kind key, the kind's own keys, then the keys every kind of the section shares
        (the order of the resolved recipe)."""
        fields = list(cls.model_fields)
        own = [k for k in fields if k not in cls.shared_class().model_fields]
        return fields[:1] + own + [k for k in fields[1:] if k not in own]

    @model_serializer(mode="wrap")
    def _in_key_order(self, handler):
        data = handler(self)
        if not isinstance(data, dict):
            return data
        return {key: data[key] for key in type(self).key_order() if key in data}

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema, handler):
        """In the JSON Schema the kind key is required, except for the default kind, so that
        exactly one branch of the section's `oneOf` matches."""
        schema = handler.resolve_ref_schema(handler(core_schema))
        kinds = cls.kinds
        if kinds is not None and cls.model_fields[kinds.key].default != kinds.default:
            schema["required"] = [kinds.key, *schema.get("required", [])]
        return schema


class Kinds:
    """The kinds of one section: `name -> config class`, in registration order.

    Args:
        section: the section's name in messages, e.g. `model` or `data.augment`.
        key: the discriminator key, e.g. `type`.
        default: the kind used when a recipe leaves `key` out (None: the key is required).
    """

    def __init__(self, section: str, key: str, default: Optional[str] = None):
        self.section, self.key, self.default = section, key, default
        self.classes: dict[str, type[KindSection]] = {}
        self._union: Any = None

    def register(self, cls: type[KindSection]) -> type[KindSection]:
        """Class decorator: the kind's name is the default of its `key` field (a Literal)."""
        field = cls.model_fields.get(self.key)
        name = field.default if field is not None else None
        if typing.get_args(field.annotation if field else None) != (name,):
            raise TypeError(f"{cls.__name__}.{self.key} must be Literal[{name!r}] = {name!r}")
        if name in self.classes:
            raise TypeError(f"{self.section}.{self.key} {name!r} is already registered")
        if self._union is not None:
            raise TypeError(f"{self.section}: register every kind before the recipe schema "
                            "is built")
        self.classes[name] = cls
        cls.kinds = self  # for error messages, the reference and the JSON Schema
        return cls

    def names(self) -> tuple[str, ...]:
        return tuple(self.classes)

    def default_class(self) -> KindSection:
        """A default-kind instance (for `Field(default_factory=...)`)."""
        return self.classes[self.default]()

    def users(self, key: str) -> list[str]:
        """The kinds whose class declares `key`."""
        return [name for name, cls in self.classes.items() if key in cls.model_fields]

    def union(self) -> Any:
        """The annotation `Annotated[Union[...], Discriminator(...)]` for a section field."""
        if self._union is None:
            members = tuple(Annotated[cls, Tag(name)] for name, cls in self.classes.items())
            self._union = Annotated[Union[members], Discriminator(self._tag),
                                    _KindsMarker(self)]
        return self._union

    def _tag(self, value: Any) -> Any:
        if isinstance(value, dict):
            tag = value.get(self.key, self.default)
        elif isinstance(value, BaseModel):
            tag = getattr(value, self.key, self.default)
        else:
            return self.default or next(iter(self.classes))  # the class reports the type error
        if tag is None:
            return None  # pydantic reports the key as missing
        return tag if isinstance(tag, str) else repr(tag)


class _KindsMarker:
    """Metadata on a union annotation, so schema walks can find its `Kinds`."""

    def __init__(self, kinds: Kinds):
        self.kinds = kinds


def kinds_of(annotation: Any) -> Optional[Kinds]:
    """The `Kinds` behind a field annotation (also under Optional/list), else None."""
    for meta in getattr(annotation, "__metadata__", ()):
        if isinstance(meta, _KindsMarker):
            return meta.kinds
    return None
