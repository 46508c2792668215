"""Fix intents written into `docker run` command lines: flags edited in place.

A setting the command gives is changed in its flag (`--user root` -> `--user
10001:10001`, `--privileged` removed); one it lacks is added as a flag right
before the image word, on the image's line, so a command split over
continuation lines keeps its layout.
"""
from __future__ import annotations

import re
from typing import Any

from glmlint.fix.text import Edit, FixError, TextDoc
from glmlint.fix.words import remove_words, replace_text, word_end
from glmlint.ir import Item, Setting, Workload
from glmlint.fix.lowering import Lowering
from glmlint.rule import Intent

_BOOLEAN_FLAGS = {"--privileged", "--read-only"}  # flags that take no value word
_CAPS = {"cap_drop": "--cap-drop", "cap_add": "--cap-add"}


class DockerRunFixer(Lowering):
    def __init__(self, doc: TextDoc, workload: Workload, fix_user: str) -> None:
        self.doc = doc
        self.w = workload
        self.user = fix_user
        self.flags: list[str] = []
        self.edits: list[Edit] = []

    def lower(self, intents: tuple[Intent, ...]) -> list[Edit]:
        self.dispatch(intents)
        if self.flags:
            image = self.w.image
            if not image.explicit:
                raise FixError("no image word to put the flags before")
            at = self.doc.at(image.loc)
            self.edits.append(Edit(at, at, " ".join(self.flags) + " "))
        return self.edits

    def _flag_word(self, setting: Setting[Any] | Item) -> str:
        start = self.doc.at(setting.loc)
        return self.doc.text[start:word_end(self.doc.text, start)]

    def _words(self, setting: Setting[Any] | Item) -> int:
        """How many words the flag at the setting's location spans (1 for `--x=v`, `-u0`, `--privileged`)."""
        word = self._flag_word(setting)
        if word in _BOOLEAN_FLAGS or "=" in word or (not word.startswith("--") and len(word) > 2):
            return 1
        return 2

    def unset(self, setting: Setting[Any]) -> None:
        if not setting.explicit:
            raise FixError("the setting is not on the command line")
        self.edits.extend(remove_words(self.doc, setting.loc, self._words(setting)))

    def set_value(self, setting: Setting[Any], field: str, value: Any) -> None:
        if field == "user":
            uid, _, gid = self.user.partition(":")
            user = f"{uid}:{gid or uid}"
            if setting.explicit and setting.value is not None:
                self.edits.append(replace_text(self.doc, setting.loc, setting.value.raw, user))
            else:
                self.flags.append(f"--user {user}")
        elif field == "read_only_rootfs" and value is True:
            if setting.explicit:  # `--read-only=false`
                self.edits.append(replace_text(self.doc, setting.loc, self._flag_word(setting), "--read-only"))
            else:
                self.flags.append("--read-only")
            if not any(m.target.rstrip("/") == "/tmp" for m in self.w.mounts):
                self.flags.append("--tmpfs /tmp")
        elif field == "allow_privilege_escalation" and value is False:
            if setting.explicit:
                start = self.doc.at(setting.loc)
                m = re.compile(r"no-new-privileges[:=]\w+").search(self.doc.text, start, self.doc.line_end(start))
                if m is None:
                    raise FixError("cannot find the no-new-privileges option")
                self.edits.append(Edit(m.start(), m.end(), "no-new-privileges"))
            else:
                self.flags.append("--security-opt no-new-privileges")
        elif field == "privileged" and value is False:
            self.unset(setting)
        else:
            raise FixError(f"no flag for `{field}`")

    def ensure_item(self, setting: Setting[tuple[Item, ...]], field: str, item: str) -> None:
        flag = _CAPS.get(field)
        if flag is None:
            raise FixError(f"no flag for `{field}`")
        self.flags.append(f"{flag} {item}")

    def remove_item(self, item: Item) -> None:
        siblings = [i for f in ("cap_add", "cap_drop") for i in getattr(self.w, f).value if i.loc == item.loc]
        if len(siblings) <= 1:
            self.edits.extend(remove_words(self.doc, item.loc, self._words(item)))
            return
        start = self.doc.at(item.loc)
        m = re.compile(rf"(?<![A-Za-z_]){re.escape(item.value)},|,{re.escape(item.value)}(?![A-Za-z_])").search(
            self.doc.text, start, self.doc.line_end(start))
        if m is None:
            raise FixError(f"cannot find `{item.value}` in its flag")
        self.edits.append(Edit(m.start(), m.end(), ""))
