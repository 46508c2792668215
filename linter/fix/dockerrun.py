"""Fix intents written into `docker run` command lines: flags edited in place.

A setting the command gives is changed in its flag (`--user root` -> `--user
10001:10001`, `--privileged` removed); one it lacks is added as a flag right
before the image word, on the image's line, so a command split over
continuation lines keeps its layout.
"""
from __future__ import annotations

import re
from typing import Any

from glmlint.fields import DOCKER_RUN, ITEMS, SECURITY_OPTIONS
from glmlint.fix.text import Edit, FixError, TextDoc
from glmlint.fix.words import remove_words, replace_text, word_end
from glmlint.ir import Item, Setting, Workload
from glmlint.fix.lowering import Lowering, unmounted
from glmlint.rule import Intent, own_user


def _flag(field: str) -> str:
    """The option that writes `field` (`glmlint.fields.DOCKER_RUN`), as a fix spells it."""
    return "--" + DOCKER_RUN[field].keys[0]


_LISTS = tuple(name for name, row in DOCKER_RUN.items() if row.read == ITEMS)  # `--cap-add A,B`
_NO_NEW_PRIVILEGES = SECURITY_OPTIONS["allow_privilege_escalation"].name
_WRITTEN_NNP = re.compile(rf"{re.escape(_NO_NEW_PRIVILEGES)}[:=]\w+")  # `no-new-privileges:false`


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
        from glmlint.parsers.dockerrun import takes_value

        return 2 if takes_value(self._flag_word(setting)) else 1

    def unset(self, setting: Setting[Any]) -> None:
        if not setting.explicit:
            raise FixError("the setting is not on the command line")
        self.edits.extend(remove_words(self.doc, setting.loc, self._words(setting)))

    def set_value(self, setting: Setting[Any], field: str, value: Any) -> None:
        if field == "user":
            uid, _, gid = self.user.partition(":")
            user = own_user(value) or f"{uid}:{gid or uid}"
            if setting.explicit and setting.value is not None:
                self.edits.append(replace_text(self.doc, setting.loc, setting.value.raw, user))
            else:
                self.flags.append(f"{_flag('user')} {user}")
        elif field == "read_only_rootfs" and value is True:
            if setting.explicit:  # `--read-only=false`
                self.edits.append(replace_text(self.doc, setting.loc, self._flag_word(setting), _flag(field)))
            else:
                self.flags.append(_flag(field))
            if not any(m.target.rstrip("/") == "/tmp" for m in self.w.mounts):
                self.flags.append(f"{_flag('writable_paths')} /tmp")
        elif field == "allow_privilege_escalation" and value is False:
            if setting.explicit:
                start = self.doc.at(setting.loc)
                m = _WRITTEN_NNP.search(self.doc.text, start, self.doc.line_end(start))
                if m is None:
                    raise FixError(f"cannot find the {_NO_NEW_PRIVILEGES} option")
                self.edits.append(Edit(m.start(), m.end(), _NO_NEW_PRIVILEGES))
            else:
                self.flags.append(f"{_flag('security_opts')} {_NO_NEW_PRIVILEGES}")
        elif field == "privileged" and value is False:
            self.unset(setting)
        elif field == "shared_memory":
            image = self.doc.at(self.w.image.loc) if self.w.image.explicit else len(self.doc.text)
            given = _flag(field) in self.doc.text[self.doc.at(self.w.anchor):image]
            if not given and not any(m.target.rstrip("/") == "/dev/shm" for m in self.w.mounts):
                self.flags.append(f"{_flag(field)} {value}")
        else:
            raise FixError(f"no flag for `{field}`")

    def ensure_item(self, setting: Setting[tuple[Item, ...]], field: str, item: str) -> None:
        if field == "writable_paths":  # where the image writes, beside `--read-only`: a `--tmpfs` each
            flag = f"{_flag(field)} {item}"
            if unmounted([item], self.w.mounts, nested=True) and flag not in self.flags:
                self.flags.append(flag)
            return
        if field == "env":  # a variable the container did not set (GLM001's HOME): `--env NAME=value`
            name = item.split("=", 1)[0]
            var = self.w.env_value(name)
            if setting.explicit and var is not None and var.loc == setting.loc and var.value is not None:
                # one it sets as GLM001 says its new uid cannot have it (`-e HOME=/root`): changed where written
                self.edits.append(replace_text(self.doc, var.loc, f"{name}={var.value}", item))
                return
            if any(v.name == name for v in self.w.env):
                raise FixError(f"the container already sets {item.split('=', 1)[0]}")
            self.flags.append(f"{_flag(field)} {item}")
            return
        if field == "ports":  # a port the container did not publish (GLM009's host network removed): `--publish`
            self.flags.append(f"{_flag(field)} {item}")
            return
        if field not in _LISTS:
            raise FixError(f"no flag for `{field}`")
        self.flags.append(f"{_flag(field)} {item}")

    def remove_item(self, item: Item) -> None:
        siblings = [i for f in _LISTS for i in getattr(self.w, f).value if i.loc == item.loc]
        if len(siblings) <= 1:
            self.edits.extend(remove_words(self.doc, item.loc, self._words(item)))
            return
        start = self.doc.at(item.loc)
        m = re.compile(rf"(?<![A-Za-z_]){re.escape(item.value)},|,{re.escape(item.value)}(?![A-Za-z_])").search(
            self.doc.text, start, self.doc.line_end(start))
        if m is None:
            raise FixError(f"cannot find `{item.value}` in its flag")
        self.edits.append(Edit(m.start(), m.end(), ""))
