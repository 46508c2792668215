"""The structured intents (set, ensure an item, remove an item, unset), dispatched to a format's fixer."""
from __future__ import annotations

from typing import Any

from glmlint.fix.text import FixError
from glmlint.ir import Item, Setting
from glmlint.rule import EnsureItem, Intent, RemoveItem, SetValue, Unset


class Lowering:
    """A format's way of writing the structured intents; subclasses implement the four operations."""

    def dispatch(self, intents: tuple[Intent, ...]) -> None:
        for intent in intents:
            if isinstance(intent, SetValue):
                self.set_value(intent.setting, intent.field, intent.value)
            elif isinstance(intent, EnsureItem):
                self.ensure_item(intent.setting, intent.field, intent.item)
            elif isinstance(intent, RemoveItem):
                self.remove_item(intent.item)
            elif isinstance(intent, Unset):
                self.unset(intent.setting)
            else:
                raise FixError(f"{type(intent).__name__} is not a structured edit")

    def set_value(self, setting: Setting[Any], field: str, value: Any) -> None:
        raise NotImplementedError

    def ensure_item(self, setting: Setting[tuple[Item, ...]], field: str, item: str) -> None:
        raise NotImplementedError

    def remove_item(self, item: Item) -> None:
        raise NotImplementedError

    def unset(self, setting: Setting[Any]) -> None:
        raise NotImplementedError
