"""Fix intents written into a Dockerfile: the final stage's USER, and build steps."""
from __future__ import annotations

import re
from typing import Any

from glmlint.fix.text import Edit, FixError, TextDoc
from glmlint.ir import Loc, Setting

_BUILD = {"RUN", "COPY", "ADD", "WORKDIR", "USER"}
SSHD_SED = "sed -i 's/^#\\?{key} .*/{key} {value}/' {path}"  # path: `openssh.main_config()`


def _instructions(text: str) -> list[Any]:
    """`text` split into instructions; the scan's split when it parsed this very text last
    (`parsers.dockerfile.last_split`: the same function of the same text)."""
    from glmlint.parsers import dockerfile

    got = dockerfile.last_split
    if got is not None and got[0] is text:
        return got[1]
    return dockerfile.split_instructions(dockerfile.split_lines(text))


def _structure(text: str) -> tuple[list[Any], list[Any]]:
    from glmlint.parsers.dockerfile import DockerfileError, build_stages

    try:
        insts = _instructions(text)
        stages = build_stages(insts)
    except DockerfileError as exc:
        raise FixError(f"cannot read the Dockerfile: {exc}") from None
    if not stages:
        raise FixError("no FROM instruction")
    return insts, stages


def _final_stage(text: str) -> tuple[list[Any], Any, list[Any]]:
    """The instructions, the final stage's FROM and the instructions after it: what `set_user`
    reads, without resolving the stages (`build_stages` parses every RUN script). Fixes are
    lowered against text that parsed, so `build_stages` would not refuse it; its final stage holds
    every instruction after the last FROM."""
    from glmlint.parsers.dockerfile import DockerfileError

    try:
        insts = _instructions(text)
    except DockerfileError as exc:
        raise FixError(f"cannot read the Dockerfile: {exc}") from None
    froms = [i for i, inst in enumerate(insts) if inst.name == "FROM"]
    if not froms:
        raise FixError("no FROM instruction")
    return insts, insts[froms[-1]], insts[froms[-1] + 1:]


def _last_line(inst: Any) -> int:
    """0-based last line of an instruction, heredoc bodies and terminators included."""
    end = int(inst.end)
    for _word, body, first in inst.heredocs:
        end = max(end, first + body.count("\n"))
    return end


def _from_inst(insts: list[Any], stage: Any) -> Any:
    for inst in insts:
        if inst.name == "FROM" and inst.start == stage.from_loc.line - 1:
            return inst
    raise FixError("cannot find the final stage's FROM")


def _keyword(doc: TextDoc, from_inst: Any, name: str) -> tuple[str, str]:
    """(indentation, keyword in the file's case) for a new instruction."""
    line = doc.line_text(from_inst.start + 1)
    indent = line[: len(line) - len(line.lstrip())]
    word = line.lstrip().split(None, 1)[0] if line.strip() else "FROM"
    return indent, name.lower() if word.islower() else name


def _insert_after(doc: TextDoc, inst: Any, lines: list[str]) -> Edit:
    last = _last_line(inst)
    return doc.insert_lines(doc.offset(last + 2, 1), lines)


def set_user(doc: TextDoc, setting: Setting[Any], user: str, env: tuple[str, ...] = ()) -> list[Edit]:
    """Make the final stage run as `user`: rewrite a final `USER root` that no build step
    follows, else add `USER` after the stage's last build step (before CMD/ENTRYPOINT). `env`
    (`NAME=value` items, GLM001's `HOME=/tmp`) is written as an `ENV` beside it: before an added
    `USER`, after a rewritten one."""
    insts, from_inst, final = _final_stage(doc.text)
    indent, env_keyword = _keyword(doc, from_inst, "ENV")
    env_lines = [f"{indent}{env_keyword} {item}" for item in env]
    later_build = False
    if setting.explicit and len(setting.path) == 2 and setting.path[0] == "instruction":
        idx = setting.path[1]
        inst = insts[idx] if isinstance(idx, int) and idx < len(insts) else None
        if inst is not None and inst in final:
            after = final[final.index(inst) + 1:]
            later_build = any(i.name in ("RUN", "COPY", "ADD") for i in after)
            if not later_build:
                line = doc.line_text(inst.start + 1)
                m = re.match(r"(\s*\S+\s+)(\S+)", line)
                if m is None or inst.end != inst.start:
                    raise FixError("cannot rewrite a USER instruction split over lines")
                start = doc.offset(inst.start + 1, m.start(2) + 1)
                edits = [Edit(start, start + len(m.group(2)), user)]
                if env_lines:
                    edits.append(_insert_after(doc, _last_setting(after, env) or inst, env_lines))
                return edits
    anchor = None
    for inst in final:
        if inst.name in _BUILD:
            anchor = inst
    indent, keyword = _keyword(doc, from_inst, "USER")
    later = _last_setting(final[final.index(anchor) + 1:] if anchor is not None else final, env)
    if later is not None:
        # an `ENV HOME=/root` after the last build step would set HOME again over the fix's: its ENV goes
        # after that one (the USER stays after the build steps)
        return [_insert_after(doc, anchor or from_inst, [f"{indent}{keyword} {user}"]),
                _insert_after(doc, later, env_lines)]
    return [_insert_after(doc, anchor or from_inst, [*env_lines, f"{indent}{keyword} {user}"])]


def _last_setting(insts: list[Any], env: tuple[str, ...]) -> Any:
    """The last of `insts` that is an `ENV` setting one of the variables `env` (`NAME=value` items) sets."""
    from glmlint.parsers.dockerfile import DockerfileError, env_names

    names = {item.split("=", 1)[0] for item in env}
    last = None
    for inst in insts if names else ():
        if inst.name == "ENV":
            try:
                if names & set(env_names(inst.args)):
                    last = inst
            except DockerfileError as exc:
                raise FixError(f"cannot read an ENV instruction: {exc}") from None
    return last


def add_step_after(doc: TextDoc, locs: list[Loc], command: str, copied_to: str = "") -> list[Edit]:
    """Add `RUN command` right after the instruction holding the last of `locs`, and after any
    later `COPY`/`ADD` into `copied_to` (which would replace what the step edits)."""
    insts, stages = _structure(doc.text)
    line = max(loc.line for loc in locs) - 1
    holder = None
    for inst in insts:
        if inst.start <= line <= _last_line(inst):
            holder = inst
    if holder is not None and copied_to:
        final = stages[-1]
        chain = []
        stage = final
        while stage is not None:
            chain = stage.instructions + chain
            stage = stage.parent
        for inst in chain[chain.index(holder) + 1:] if holder in chain else []:
            if inst.name in ("COPY", "ADD") and inst.args.split() and copied_to in inst.args.split()[-1]:
                holder = inst
    if holder is None or holder.name == "FROM":
        raise FixError(f"no build step at line {line + 1}")
    from_inst = _from_inst(insts, stages[-1])
    indent, keyword = _keyword(doc, from_inst, "RUN")
    return [_insert_after(doc, holder, [f"{indent}{keyword} {command}"])]
