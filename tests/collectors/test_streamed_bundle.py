"""Loki files read from their text a stream at a time, in worker processes when large: the same lines as the
whole document read, the same problems for malformed ones, and any other layout decoded whole instead."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from analyzers import LogReduction, build_digest
from collectors import BundleCollector, bundle
from collectors.base import Evidence
from collectors.loki import read_streams, stream_streams
from tests.conftest import ROOT

CHECKOUT = ROOT / "examples" / "incidents" / "checkout-oom"


def _body(streams: list[dict[str, object]]) -> dict[str, object]:
    return {"status": "success", "data": {"resultType": "streams", "result": streams, "stats": {"summary": {}}}}


STREAMS = [
    {"stream": {"namespace": "shop", "pod": "cart-5c6d7e8f9-ab1cd", "app": "cart"},
     "values": [["1795168800000000000", '{"level":"error","msg":"upstream refused","service":"cart"}'],
                ["1795168799500000000", "level=info msg=\"served\" took=3ms"]]},
    {"stream": {"namespace": "shop", "pod": "web-1"}, "values": []},
    {"stream": {"namespace": "shop", "job": "shop/web"},
     "values": [["1795168801000000000", "GET /health 200 \"\\u00e9\\\"],[\\\"\" 1ms"]]},
]  # fmt: skip


SCOPE = BundleCollector(CHECKOUT).collect().scope


def _records(rel: str, text: str, streamed: bool) -> tuple[list[object], list[str], bool]:
    evidence = Evidence(scope=SCOPE)
    problems: list = []
    if streamed:
        ok = stream_streams(rel, text, evidence, problems)
    else:
        ok = True
        read_streams(rel, json.loads(text), evidence, problems)
    return list(evidence.logs), [str(p) for p in problems], ok


@pytest.mark.parametrize("indent", [None, 1], ids=["compact", "indented"])
def test_streamed_text_reads_what_the_document_reads(indent: int | None) -> None:
    text = json.dumps({"query": '{namespace="shop"}', "cluster": "eks-prod", "response": _body(STREAMS)}, indent=indent)
    streamed = _records("loki/a.json", text, streamed=True)
    assert streamed[2] and streamed == _records("loki/a.json", text, streamed=False)
    assert len(streamed[0]) == 3 and streamed[0][0].labels["cluster"] == "eks-prod"  # type: ignore[attr-defined]


def test_a_cluster_named_after_the_response_is_set_on_the_labels_read() -> None:
    """As the example bundles write it (`query`, `response`, `cluster`): still a stream at a time."""
    text = json.dumps({"query": '{namespace="shop"}', "response": _body(STREAMS), "cluster": "eks-prod"})
    streamed = _records("loki/a.json", text, streamed=True)
    assert streamed[2] and streamed == _records("loki/a.json", text, streamed=False)
    assert {r.labels["cluster"] for r in streamed[0]} == {"eks-prod"}  # type: ignore[attr-defined]
    assert list(streamed[0][0].labels)[-1] == "cluster"  # type: ignore[attr-defined]


def test_malformed_entries_are_the_same_problems() -> None:
    bad = [{"stream": {"app": "a"}, "values": [["1795168800000000000", "ok"], ["soon", "bad ts"], ["1", "x"]]},
           {"stream": {"app": "b"}, "values": "not a list"},
           {"stream": {"app": "c"}, "values": [["1795168800000000000"]]}]  # fmt: skip
    text = json.dumps({"query": "q", "response": _body(bad)})
    streamed = _records("loki/bad.json", text, streamed=True)
    assert streamed[2] and streamed == _records("loki/bad.json", text, streamed=False)
    assert streamed[1] == [
        "loki/bad.json: response.data.result[0].values[1][0]: must be nanoseconds",
        "loki/bad.json: response.data.result[1].values: must be a list of [ns, line]",
        'loki/bad.json: response.data.result[2].values[0]: must be ["ns", "line"]',
    ]


@pytest.mark.parametrize(
    "document",
    [
        {"response": _body(STREAMS), "query": "q"},  # the query the lines are filed under comes after them
        {"query": "q", "response": {"data": {"result": STREAMS, "resultType": "streams"}}},  # result before its type
        {"query": "q", "response": {"data": {"resultType": "streams", "result": STREAMS}, "status": "error"}},
        {"query": "q", "response": {"status": "success", "data": {"resultType": "matrix", "result": []}}},
        {"query": "q", "response": _body([{"values": [["1", "x"]], "stream": {"app": "a"}}])},  # values first
        {"query": "q", "response": "not an object"},
        {"query": "q"},
    ],
    ids=["query-after", "type-after", "status-after", "matrix", "values-first", "not-object", "no-response"],
)
def test_another_layout_is_not_streamed(document: dict[str, object]) -> None:
    assert _records("loki/x.json", json.dumps(document), streamed=True)[2] is False


def test_duplicate_keys_and_broken_json_are_not_streamed() -> None:
    twice = '{"query": "q", "query": "r", "response": ' + json.dumps(_body(STREAMS)) + "}"
    assert _records("loki/x.json", twice, streamed=True)[2] is False
    whole = json.dumps({"query": "q", "response": _body(STREAMS)})
    assert _records("loki/x.json", whole[:-9], streamed=True)[2] is False  # cut short
    assert _records("loki/x.json", whole + " {}", streamed=True)[2] is False  # more after the document
    assert _records("loki/x.json", whole + "\x0c", streamed=True)[2] is False  # a blank JSON does not allow
    assert _records("loki/x.json", whole + " \r\n\t", streamed=True)[2] is True


def _large(tmp_path: Path, files: int = 3) -> Path:
    """checkout-oom with more Loki files, written as `record` writes them (the layout that streams)."""
    out = tmp_path / "bundle"
    shutil.copytree(CHECKOUT, out)
    for n in range(files):
        values = [[str(1795168800000000000 + k * 10**9 + n), f'level=info msg="served order {k * 7 + n}" took={k}ms']
                  for k in range(600)]  # fmt: skip
        errors = [[str(1795169400000000000 + k * 10**8), f"level=error msg=\"upstream refused after {k}ms\""]
                  for k in range(40)]  # fmt: skip
        streams = [{"stream": {"namespace": "shop", "pod": f"cart-5c6d7e8f9-ab{n}cd"}, "values": values[::-1]},
                   {"stream": {"namespace": "shop", "pod": f"web-{n}"}, "values": errors}]  # fmt: skip
        doc = {"query": '{namespace="shop"}', "cluster": "eks-prod", "response": _body(streams)}
        (out / "loki" / f"part-{n}.json").write_text(json.dumps(doc))
    return out


def _digest(path: Path) -> str:
    evidence = BundleCollector(path, logs=LogReduction).collect()
    digest, _ = build_digest(evidence)
    return json.dumps(digest.to_json())


def _workers(monkeypatch: pytest.MonkeyPatch, threads: int) -> list[str]:
    """Worker processes for any bundle, as many threads running as said; the start methods the pools used. A pool
    that failed and left the reading to this process fails the test (the digest would be the same)."""
    import multiprocessing
    import threading

    methods: list[str] = []
    real = multiprocessing.get_context
    monkeypatch.setattr(multiprocessing, "get_context", lambda method: (methods.append(method), real(method))[1])
    monkeypatch.setattr(threading, "active_count", lambda: threads)
    monkeypatch.setattr(bundle, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(bundle, "_cores", lambda: 2)
    monkeypatch.setattr(bundle.log, "warning", lambda *args: pytest.fail(f"read here instead: {args}"))
    return methods


def test_worker_processes_read_what_this_process_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _large(tmp_path)
    here = _digest(path)
    methods = _workers(monkeypatch, threads=1)
    assert _digest(path) == here
    assert methods == ["fork"]  # the files went to forked workers
    records = BundleCollector(path)  # every record kept: read here (pickling them back would buy nothing)
    assert not records._may_fork() and BundleCollector(path, logs=LogReduction)._may_fork()


def _digest_in_a_daemon(path: Path, into: object) -> None:
    from collectors import bundle as in_child

    in_child.PARALLEL_BYTES, in_child._cores = 0, lambda: 2
    into.put(_digest(path))  # type: ignore[attr-defined]


def test_a_daemonic_process_reads_here(tmp_path: Path) -> None:
    """The bot's workers are daemonic processes, which may not have children: they read the files themselves."""
    import multiprocessing

    path = _large(tmp_path)
    here = _digest(path)
    context = multiprocessing.get_context("fork")
    answers = context.Queue()
    worker = context.Process(target=_digest_in_a_daemon, args=(path, answers), daemon=True)
    worker.start()
    try:
        assert answers.get(timeout=60) == here
    finally:
        worker.join(timeout=10)
    assert worker.exitcode == 0


def dies_in_a_worker(scope: object, alert: dict[str, object]) -> LogReduction:
    """LogSinks whose worker processes die as the kernel's OOM killer ends them: no exception, no answer (a worker
    started fresh inherits the environment that names the parent and where to say it died)."""
    if str(os.getpid()) != os.environ["TEST_PARENT_PID"]:
        Path(os.environ["TEST_DIED"]).touch()
        os._exit(9)
    return LogReduction(scope, alert)  # type: ignore[arg-type]


def test_a_worker_killed_is_read_here_instead(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _large(tmp_path)
    here = _digest(path)
    monkeypatch.setattr(bundle, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(bundle, "_cores", lambda: 2)
    monkeypatch.setenv("TEST_PARENT_PID", str(os.getpid()))
    monkeypatch.setenv("TEST_DIED", str(tmp_path / "died"))
    evidence = BundleCollector(path, logs=dies_in_a_worker).collect()
    assert (tmp_path / "died").exists()  # the files went to workers, which died
    assert json.dumps(build_digest(evidence)[0].to_json()) == here


def test_a_threaded_process_starts_fresh_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With other threads running (the bot's server), workers are fresh interpreters (spawn), not forks."""
    path = _large(tmp_path)
    here = _digest(path)
    methods = _workers(monkeypatch, threads=3)
    assert _digest(path) == here
    assert methods == ["spawn"]
