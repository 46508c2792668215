"""SARIF 2.1.0 for GitHub code scanning (`glmlint check --format sarif`).

The log is built with the `sarif_om` object model and then turned into plain
JSON. `sarif_om` (1.0.4) is imported inside `render` only: it pulls in `attrs`
and is not needed by any other command.

sarif-om 1.0.4 was generated from a pre-final draft (2.1.0-rtm.4), which
matters in three places:

* its usual serializer (jsonpickle-based) drops every property equal to its
  draft default, so a result whose level is "warning" loses its `level` and a
  rule's `defaultConfiguration` loses its level. `_to_json` below also drops
  defaults (otherwise draft defaults such as `byteOffset: -1` or
  `newlineSequences` would be written out), and the values GitHub must see
  are set again explicitly after conversion (`_EXPLICIT` comments);
* its `PropertyBag` has no field but `tags`, so property bags are plain dicts;
* its `Suppression` writes `state` where the final schema says `status`
  (not used here: suppressed and baselined findings are left out of the log).
"""
from __future__ import annotations

import gzip
import json
import os
import re
from typing import Any
from urllib.parse import quote

from glmlint import __version__, fingerprint
from glmlint.docs import DOCS_URL, help_uri
from glmlint.docs import body as doc_body
from glmlint.docs import render as doc_render
from glmlint.ir import Problem
from glmlint.rule import Rule, Severity
from glmlint.runner import Report, Result

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = DOCS_URL.split("/blob/", 1)[0]  # the project's repository
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "glmlintFingerprint/v1"
TRUNCATED_ID = "glmlint/results-truncated"
MAX_RESULTS = 25_000  # GitHub rejects a run with more results
MAX_GZIP_BYTES = 10_000_000  # and an upload over 10 MB (compressed)
MAX_TAGS = 10  # GitHub shows a rule's first 10 tags (and rejects more than 20)

# Characters left as they are in a relative URI path; ':' is encoded so that a
# first segment such as `a:b` cannot be read as a URI scheme.
_URI_SAFE = "/-._~!$&'()*+,;=@"


def render(report: Report, category: str | None = None, max_results: int = MAX_RESULTS,
           max_gzip_bytes: int = MAX_GZIP_BYTES) -> str:
    """The SARIF log as text, cut down to what GitHub accepts.

    Over `max_results` results, or over `max_gzip_bytes` once gzipped (as
    upload-sarif sends it), the lowest-severity results are left out and a
    tool notification says so: a shorter file that uploads beats a complete one
    that GitHub rejects.
    """
    total = len(report.results)
    by_priority = sorted(range(total), key=lambda i: (report.results[i].severity is not Severity.ERROR, i))
    keep = min(total, max_results)
    why = f"GitHub code scanning accepts at most {max_results} results per run"
    while True:
        text = json.dumps(to_dict(report, category, sorted(by_priority[:keep]), why), indent=2) + "\n"
        if keep == 0 or len(text) <= max_gzip_bytes:  # gzip never grows JSON this size
            return text
        size = len(gzip.compress(text.encode("utf-8"), compresslevel=6))
        if size <= max_gzip_bytes:
            return text
        why = f"GitHub code scanning accepts uploads up to {max_gzip_bytes} bytes gzipped"
        keep = min(keep - 1, int(keep * max_gzip_bytes / size * 0.95))


def to_dict(report: Report, category: str | None = None, kept: list[int] | None = None,
            why: str = "") -> dict[str, Any]:
    """The SARIF log as JSON-ready data; `kept`: indices of the results to include (default all),
    `why` the limit that left the others out.

    `category` becomes `automationDetails.id`. Without one the run carries no
    automationDetails, so upload-sarif's `category` input (which only fills a
    missing id) takes effect.
    """
    import sarif_om as om  # lazily: only SARIF output needs it

    rules = list(report.rules)
    index = {r.code: i for i, r in enumerate(rules)}
    for r in report.results:  # a result's rule is always described, even if not in report.rules
        if r.code not in index:
            index[r.code] = len(rules)
            rules.append(r.rule)

    fingerprints = fingerprint.fingerprints(report.results)  # over all results: occurrence numbers stay put
    if kept is None:
        kept = list(range(len(report.results)))
    shown = [report.results[i] for i in kept]
    results = [_result(om, report.results[i], index[report.results[i].code], fingerprints[i], report.root)
               for i in kept]
    notifications = [_notification(om, p, report.root) for p in report.problems]
    note_levels = [_note_level(p) for p in report.problems]
    if len(kept) < len(report.results):
        left = len(report.results) - len(kept)
        notifications.append(om.Notification(
            descriptor=om.ReportingDescriptorReference(id=TRUNCATED_ID),
            message=om.Message(text=(
                f"{left} of {len(report.results)} results were left out (warnings first): {why}. "
                "Narrow the scan with `exclude`, or adopt a baseline (`--write-baseline`)")),
            level="warning"))
        note_levels.append("warning")

    run = om.Run(
        tool=om.Tool(driver=om.ToolComponent(
            name="glmlint",
            full_name=f"glmlint {__version__}",  # Azure DevOps Advanced Security requires it
            version=__version__,
            semantic_version=__version__,
            information_uri=INFORMATION_URI,
            rules=[_descriptor(om, rule) for rule in rules],
        )),
        automation_details=om.RunAutomationDetails(id=_automation_id(category)) if category else None,
        original_uri_base_ids={SRCROOT: om.ArtifactLocation(uri=_root_uri(report.root))},
        invocations=[om.Invocation(
            execution_successful=not report.errors,
            tool_execution_notifications=notifications or None,
        )],
        column_kind="unicodeCodePoints",
        results=results,
    )
    log = om.SarifLog(runs=[run], version=SARIF_VERSION, schema_uri=SCHEMA_URI)
    data = _to_json(log)

    # _EXPLICIT: values equal to a sarif-om default were dropped by _to_json;
    # set them again where the output must carry them.
    out_run = data["runs"][0]
    out_run["results"] = out_run.get("results", [])  # an empty list is meaningful: "nothing found"
    for out_rule, rule in zip(out_run["tool"]["driver"]["rules"], rules):
        out_rule["defaultConfiguration"] = {"level": _level(rule.severity)}
    for out_result, r in zip(out_run["results"], shown):
        out_result["level"] = _level(r.severity)
        out_result["ruleIndex"] = index[r.code]
    for out_note, level in zip(out_run["invocations"][0].get("toolExecutionNotifications", []), note_levels):
        out_note["level"] = level
    out_run["invocations"][0]["executionSuccessful"] = not report.errors
    # Key order for readers: $schema and version first.
    return {"$schema": data.pop("$schema"), "version": data.pop("version"), **data}


# -- pieces -------------------------------------------------------------------


def _automation_id(category: str) -> str:
    """GitHub groups runs by the id up to its last "/"; upload-sarif adds the "/" too."""
    return category if category.endswith("/") else category + "/"


def _descriptor(om: Any, rule: Rule) -> Any:
    # GitHub needs the "security" tag to use security-severity; it shows 10 tags at most. A rule
    # that is not about security (GLM100, an unused suppression) has neither: GitHub maps a
    # security-severity of 0.1-10 to low..critical, and 0.0 to no level at all.
    security = rule.security
    tags = list(dict.fromkeys((*(("security",) if security else ()), *rule.tags)))[:MAX_TAGS]
    properties: dict[str, Any] = {"tags": tags}
    if security:
        properties["security-severity"] = f"{rule.score:.1f}"
    properties["precision"] = "high"
    markdown = doc_render(rule)
    return om.ReportingDescriptor(
        id=rule.code,
        name=_pascal(rule.slug),
        short_description=om.MultiformatMessageString(text=rule.summary),
        full_description=om.MultiformatMessageString(text=_first_paragraph(rule) or rule.summary),
        help=om.MultiformatMessageString(text=markdown, markdown=markdown),
        help_uri=help_uri(rule),
        default_configuration=om.ReportingConfiguration(level=_level(rule.severity)),
        properties=properties,
    )


def _fixes(om: Any, r: Result, root: str) -> list[Any] | None:
    """The finding's verified fix (`Result.edits`, computed by the scan) as a SARIF fix."""
    if r.fix is None or r.edits is None:
        return None
    replacements = [om.Replacement(
        deleted_region=om.Region(start_line=e.start_line, start_column=e.start_col, end_line=e.end_line,
                                 end_column=e.end_col),
        inserted_content=om.ArtifactContent(text=e.text) if e.text else None,
    ) for e in r.edits]
    return [om.Fix(
        description=om.Message(text=f"{r.fix.title} ({r.fix.safety} fix)"),
        artifact_changes=[om.ArtifactChange(artifact_location=_artifact(om, r.path, root),
                                            replacements=replacements)],
    )]


def _result(om: Any, r: Result, rule_index: int, fingerprint: str, root: str) -> Any:
    properties: dict[str, Any] | None = None
    fixes = _fixes(om, r, root)
    if r.fix is not None:
        # the safety is glmlint's own notion: SARIF's `fix` has no field for it
        properties = {"glmlint/fix": {"title": r.fix.title, "safety": str(r.fix.safety)}}
    if r.workload:
        properties = {**(properties or {}), "glmlint/workload": r.workload}
    return om.Result(
        rule_id=r.code,
        rule_index=rule_index,
        level=_level(r.severity),
        message=om.Message(text=r.message),
        locations=[om.Location(physical_location=om.PhysicalLocation(
            artifact_location=_artifact(om, r.path, root),
            region=om.Region(start_line=max(r.line, 1), start_column=max(r.col, 1)),
        ))],
        partial_fingerprints={FINGERPRINT_KEY: fingerprint},
        fixes=fixes,
        properties=properties,
    )


def _notification(om: Any, p: Problem, root: str) -> Any:
    region = om.Region(start_line=p.line) if p.line > 0 else None
    return om.Notification(
        message=om.Message(text=f"{p.path}: {p.message}"),
        level=_note_level(p),
        locations=[om.Location(physical_location=om.PhysicalLocation(
            artifact_location=_artifact(om, p.path, root), region=region))],
    )


def _level(severity: Severity) -> str:
    return "error" if severity is Severity.ERROR else "warning"


def _note_level(p: Problem) -> str:
    return "error" if p.level == "error" else "note"


def _pascal(slug: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in slug.split("-"))


def _first_paragraph(rule: Rule) -> str:
    """The documentation body's first prose paragraph (headings and code skipped)."""
    for para in re.split(r"\n\s*\n", doc_body(rule)):
        lines = [ln.strip() for ln in para.strip().splitlines()]
        lines = [ln for ln in lines if ln and not ln.startswith("#")]
        if lines and not lines[0].startswith("```"):
            return " ".join(lines)
    return ""


# -- locations ----------------------------------------------------------------


def _root_uri(root: str) -> str:
    uri = _file_uri(root)
    return uri if uri.endswith("/") else uri + "/"


def _file_uri(path: str) -> str:
    from pathlib import Path

    return Path(os.path.abspath(path)).as_uri()


def _artifact(om: Any, path: str, root: str) -> Any:
    """A path relative to the scan root becomes `%SRCROOT%`-based; anything else a file:// URI."""
    rel = path.replace(os.sep, "/") if os.sep != "/" else path
    if os.path.isabs(path) or re.match(r"^[A-Za-z]:[\\/]", path):
        try:
            inside = os.path.relpath(path, root)
        except ValueError:  # another drive
            inside = os.pardir
        if inside == os.curdir or inside.startswith(os.pardir):
            return om.ArtifactLocation(uri=_file_uri(path))
        rel = inside.replace(os.sep, "/")
    rel = rel.removeprefix("./")
    if rel == ".." or rel.startswith("../"):  # relative, but not below the root
        return om.ArtifactLocation(uri=_file_uri(os.path.join(root, path)))
    return om.ArtifactLocation(uri=quote(rel, safe=_URI_SAFE), uri_base_id=SRCROOT)


# -- attrs objects to JSON ----------------------------------------------------


def _to_json(obj: Any) -> Any:
    """Walk sarif-om's attrs classes by their `schema_property_name`, dropping None and defaults."""
    import attr

    if attr.has(type(obj)):
        out: dict[str, Any] = {}
        for field in attr.fields(type(obj)):
            value = getattr(obj, field.name)
            if value is None:
                continue
            default = field.default
            if isinstance(default, attr.Factory):  # type: ignore[arg-type]
                default = default.factory()
            if default is not attr.NOTHING and value == default:
                continue
            out[field.metadata.get("schema_property_name", field.name)] = _to_json(value)
        return out
    if isinstance(obj, dict):
        return {str(k): _to_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_to_json(v) for v in obj]
    return obj
