"""Language server latency and memory: diagnostics after a change to a 300-line compose file.

    python bench/lsp_latency.py [--edits 1000] [--interval 0.1]

Starts `python -m glmlint server` as an editor does, opens a 300-line compose
file (20 services) and sends `--edits` changes, one every `--interval` seconds
(0.1: a fast typist, ten keystrokes a second), each waiting for the diagnostics
of its version. With `--interval 0` changes come as fast as the server answers,
and the server's throttle (one check per `DEBOUNCE` while changes keep coming)
is what is measured. Latency is from sending the change to receiving
its diagnostics (the server's debounce included); memory is the server's
resident set size after the first 100 edits and after the last. Targets
(issue 19): p95 within 50 ms, memory steady over 1,000 edits.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

SERVICE = """\
  svc{i}:
    image: ghcr.io/example/model-{i}:1.2.{i}
    command: ["python", "-m", "server", "--port", "80{i:02d}"]
    environment:
      MODEL_NAME: model-{i}
      LOG_LEVEL: info
    ports:
      - "127.0.0.1:80{i:02d}:80{i:02d}"
    volumes:
      - ./models/{i}:/models:ro
    cap_drop: [ALL]
    read_only: true
    security_opt: ["no-new-privileges:true"]
    mem_limit: 4g
    user: "10001"
"""


def compose(n: int = 20) -> str:
    return "services:\n" + "".join(SERVICE.format(i=i) for i in range(n))


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def run(edits: int, interval: float) -> None:
    root = Path(tempfile.mkdtemp(prefix="glmlint-lsp-bench-"))
    path = root / "docker-compose.yml"
    text = compose()
    path.write_text(text)
    assert text.count("\n") == 301
    got: dict[int, float] = {}
    waiting: dict[int, asyncio.Future[float]] = {}
    client = LanguageClient("bench", "1")

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def diagnostics(params: lsp.PublishDiagnosticsParams) -> None:
        if params.version is not None and params.version in waiting and not waiting[params.version].done():
            waiting[params.version].set_result(time.perf_counter())

    await client.start_io(sys.executable, "-m", "glmlint", "server")
    pid = client._server.pid  # type: ignore[attr-defined]
    await client.initialize_async(lsp.InitializeParams(capabilities=lsp.ClientCapabilities(), root_uri=root.as_uri()))
    client.initialized(lsp.InitializedParams())
    uri = path.as_uri()
    loop = asyncio.get_running_loop()
    waiting[1] = loop.create_future()
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=lsp.TextDocumentItem(
        uri=uri, language_id="yaml", version=1, text=text)))
    await waiting[1]
    latencies = []
    rss_100 = 0
    for v in range(2, edits + 2):
        await asyncio.sleep(interval)
        new = text.replace("LOG_LEVEL: info", f"LOG_LEVEL: level-{v}", 1)
        if v % 2:
            new = new.replace("privileged: true\n", "")
        waiting[v] = loop.create_future()
        start = time.perf_counter()
        client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=v),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=new)]))
        latencies.append((await waiting[v]) - start)
        del waiting[v]
        if v == 101:
            rss_100 = rss_kb(pid)
    rss_end = rss_kb(pid)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    print(f"{edits} edits of a 301-line compose file, one every {interval * 1000:.0f} ms: latency median {statistics.median(latencies) * 1000:.1f} ms, "
          f"p95 {p95 * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms")
    print(f"server RSS after 100 edits {rss_100 / 1024:.1f} MiB, after {edits} edits {rss_end / 1024:.1f} MiB "
          f"({(rss_end - rss_100) / 1024:+.1f} MiB)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--edits", type=int, default=1000)
    ap.add_argument("--interval", type=float, default=0.1)
    args = ap.parse_args()
    asyncio.run(run(args.edits, args.interval))


if __name__ == "__main__":
    main()
