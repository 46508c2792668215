"""Map locations in `helm template` output back to the templates it was rendered from.

Helm writes each rendered document as `---`, then `# Source: <chart>/templates/<file>`,
then the document. A finding in that document is reported at the source path
and at its line within the document (the line after the `# Source:` comment is
line 1). That is the template's own line wherever no template directive above
it added or removed lines.
"""
from __future__ import annotations

import bisect
import re

_SOURCE = re.compile(r"^# Source: (\S.*?)\s*$")
_DOC_START = re.compile(r"^---(?:\s|$)")


class SourceMap:
    def __init__(self, text: str) -> None:
        self.starts: list[int] = []  # stream line where each span begins (1-based)
        self.spans: list[tuple[str | None, int]] = []  # (source path, line of its `# Source:`)
        for n, line in enumerate(text.splitlines(), 1):
            if _DOC_START.match(line):
                self.starts.append(n)
                self.spans.append((None, n))
            elif (m := _SOURCE.match(line)) is not None:
                self.starts.append(n)
                self.spans.append((m.group(1), n))

    def __bool__(self) -> bool:
        return any(path for path, _ in self.spans)

    def locate(self, line: int) -> tuple[str, int] | None:
        """(template path, line within its document) for a stream line, if Helm named one."""
        i = bisect.bisect_right(self.starts, line) - 1
        if i < 0:
            return None
        path, at = self.spans[i]
        if path is None or line <= at:
            return None
        return path, line - at
