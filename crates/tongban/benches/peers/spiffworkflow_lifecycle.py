"""Tongban's case lifecycle on SpiffWorkflow, persisted to SQLite after every act.

One lifecycle is seven acts, as in `cargo bench -p tongban --bench case_lifecycle`: the
applicant submits (a new workflow), the window accepts, three departments approve their
parallel tasks, the window closes the case and delivers the result. After each act the
workflow is serialized with SpiffWorkflow's own BpmnWorkflowSerializer and written to one
row per case (INSERT on submit, UPDATE after, one commit per act). SQLite runs in WAL mode
with synchronous=NORMAL, as Tongban's own store does.

Cases run one after another in one process. The spec is parsed once, as a server would
cache it. With --reload, every act after the submission first reads the case's row back and
deserializes it, as a server that keeps no workflow in memory between requests would.

Run through run.sh, or: python spiffworkflow_lifecycle.py --lifecycles 2000 [--reload]
"""

import argparse
import math
import os
import sqlite3
import sys
import time
from functools import partial
from pathlib import Path

import SpiffWorkflow
from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser import BpmnParser, BpmnValidator
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer

HERE = Path(__file__).resolve().parent
SCRATCH = HERE.parents[3] / "target" / "peers"  # git-ignored, beside run.sh's venv
PROCESS_ID = "case_lifecycle"

# What becomes ready at each step; the three reviews must be ready together (the fork).
STAGES = [
    ["accept"],
    ["market_review", "health_review", "police_review"],
    ["close"],
    ["deliver"],
]

# The data each act carries, like the body of the matching Tongban request.
ACTS = {
    "accept": {"actor": "window_clerk", "decision": "accepted", "note": "材料齐全，予以受理"},
    "market_review": {"actor": "bench_market", "decision": "approved", "note": "经营场所符合要求"},
    "health_review": {"actor": "bench_health", "decision": "approved", "note": "从业人员健康证明有效"},
    "police_review": {"actor": "bench_police", "decision": "approved", "note": "无治安隐患"},
    "close": {"actor": "window_clerk", "result": "granted", "licence": "JY1530000000000"},
    "deliver": {"actor": "window_clerk", "channel": "window", "note": "已当面送达"},
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--lifecycles",
        type=int,
        default=int(os.environ.get("PEERS_LIFECYCLES", 2000)),
        help="timed lifecycles (env PEERS_LIFECYCLES, default 2000)",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=int(os.environ.get("PEERS_WARMUP", 50)),
        help="untimed lifecycles first (env PEERS_WARMUP, default 50)",
    )
    parser.add_argument(
        "--db",
        default=os.environ.get("PEERS_SPIFF_DB", str(SCRATCH / "spiffworkflow_lifecycle.sqlite")),
        help="SQLite file; its table spiff_workflow is dropped and made anew "
        "(env PEERS_SPIFF_DB, default target/peers/spiffworkflow_lifecycle.sqlite)",
    )
    parser.add_argument(
        "--bpmn", default=str(HERE / "lifecycle.bpmn"), help="the process model"
    )
    parser.add_argument(
        "--reload",
        action="store_true",
        help="read and deserialize the case before each act instead of keeping it in memory",
    )
    args = parser.parse_args()
    if args.lifecycles < 1 or args.warmup < 0:
        parser.error("--lifecycles must be at least 1 and --warmup at least 0")
    return args


def open_db(path):
    # No implicit transactions: each act opens and commits its own, as a server's request would.
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("DROP TABLE IF EXISTS spiff_workflow")
    db.execute("CREATE TABLE spiff_workflow (case_id INTEGER PRIMARY KEY, state TEXT NOT NULL)")
    return db


class Runner:
    """Drives cases and times each act: the engine's work, serializing, and storing."""

    def __init__(self, spec, db, reload):
        self.spec = spec
        self.db = db
        self.reload = reload
        self.serializer = BpmnWorkflowSerializer()
        self.latencies_ns = []
        self.load_ns = self.engine_ns = self.serialize_ns = self.store_ns = 0

    def lifecycle(self, case_id):
        workflow = self.act(case_id, self.submit)
        for stage in STAGES:
            for done, bpmn_id in enumerate(stage):
                # Exactly this stage's tasks not yet done must be ready: the three reviews at once.
                ready = self.ready_user_tasks(workflow)
                expected = stage[done:]
                if sorted(ready) != sorted(expected):
                    raise AssertionError(f"case {case_id}: {expected} should be ready, not {ready}")
                workflow = self.act(case_id, partial(self.complete, bpmn_id=bpmn_id), workflow)
        if not workflow.is_completed():
            raise AssertionError(f"case {case_id}: workflow did not complete")
        if workflow.get_next_task(spec_name="delivered", state=TaskState.COMPLETED) is None:
            raise AssertionError(f"case {case_id}: end event 'delivered' not reached")

    def act(self, case_id, step, workflow=None):
        """One act: `step` changes the workflow (or makes it, on submission), the engine runs
        on to the next user tasks, and the workflow is stored."""
        is_new = workflow is None
        start = time.perf_counter_ns()
        if self.reload and not is_new:
            workflow = self.load(case_id)
        loaded = time.perf_counter_ns()
        workflow = step(workflow)
        workflow.do_engine_steps()
        engine_done = time.perf_counter_ns()
        state = self.serializer.serialize_json(workflow)
        serialized = time.perf_counter_ns()
        self.db.execute("BEGIN")
        if is_new:
            self.db.execute(
                "INSERT INTO spiff_workflow (case_id, state) VALUES (?, ?)", (case_id, state)
            )
        else:
            self.db.execute(
                "UPDATE spiff_workflow SET state = ? WHERE case_id = ?", (state, case_id)
            )
        self.db.execute("COMMIT")
        stored = time.perf_counter_ns()
        self.latencies_ns.append(stored - start)
        self.load_ns += loaded - start
        self.engine_ns += engine_done - loaded
        self.serialize_ns += serialized - engine_done
        self.store_ns += stored - serialized
        return workflow

    def load(self, case_id):
        (state,) = self.db.execute(
            "SELECT state FROM spiff_workflow WHERE case_id = ?", (case_id,)
        ).fetchone()
        return self.serializer.deserialize_json(state)

    def submit(self, _none):
        workflow = BpmnWorkflow(self.spec)
        # The submission goes into the start task's data, which every later task inherits.
        start = workflow.get_next_task(state=TaskState.READY)
        start.data["submission"] = {
            "applicant": "云溪市某某餐饮有限公司",
            "item": "食品经营许可",
            "channel": "online",
            "materials": ["营业执照", "经营场所证明", "健康证明"],
        }
        return workflow

    @staticmethod
    def complete(workflow, bpmn_id):
        """Completes one ready user task with its act's data."""
        task = workflow.get_next_task(spec_name=bpmn_id, state=TaskState.READY, manual=True)
        if task is None:
            raise AssertionError(f"user task {bpmn_id} is not ready")
        task.data[bpmn_id] = ACTS[bpmn_id]
        task.run()
        return workflow

    @staticmethod
    def ready_user_tasks(workflow):
        return [t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.READY, manual=True)]


def percentile_ms(sorted_ns, fraction):
    """Nearest-rank percentile, in milliseconds."""
    rank = max(1, math.ceil(fraction * len(sorted_ns)))
    return sorted_ns[rank - 1] / 1e6


def check_stored(runner, expected):
    """Every stored case, warm-up included, must deserialize to a completed workflow."""
    completed = 0
    for case_id, state in runner.db.execute("SELECT case_id, state FROM spiff_workflow"):
        if not runner.serializer.deserialize_json(state).is_completed():
            raise AssertionError(f"case {case_id}: stored workflow is not completed")
        completed += 1
    if completed != expected:
        raise AssertionError(f"{completed} cases stored, expected {expected}")


def main():
    args = parse_args()
    parser = BpmnParser(validator=BpmnValidator())
    parser.add_bpmn_file(args.bpmn)
    spec = parser.get_spec(PROCESS_ID)
    db = open_db(args.db)

    warmup = Runner(spec, db, args.reload)
    for case_id in range(1, args.warmup + 1):
        warmup.lifecycle(case_id)

    runner = Runner(spec, db, args.reload)
    completed = 0
    began = time.perf_counter()
    for case_id in range(args.warmup + 1, args.warmup + args.lifecycles + 1):
        runner.lifecycle(case_id)
        completed += 1
    elapsed = time.perf_counter() - began

    check_stored(runner, args.warmup + args.lifecycles)
    db.close()
    acts = len(runner.latencies_ns)
    if completed != args.lifecycles or acts != 7 * completed:
        sys.exit(f"FAILED: {completed}/{args.lifecycles} lifecycles, {acts} acts")

    latencies = sorted(runner.latencies_ns)
    busy = runner.load_ns + runner.engine_ns + runner.serialize_ns + runner.store_ns
    mode = "read back before each act" if args.reload else "kept in memory between acts"
    print(
        f"SpiffWorkflow {SpiffWorkflow.__version__} (Python {sys.version.split()[0]}, "
        f"SQLite {sqlite3.sqlite_version} WAL synchronous=NORMAL; workflow {mode})"
    )
    print(
        f"  {completed} lifecycles reached the end event, {acts} acts, one case at a time, "
        f"in {elapsed:.2f} s (after {args.warmup} warm-up)"
    )
    print(f"  lifecycles/s: {completed / elapsed:.1f}   acts/s: {acts / elapsed:.0f}")
    print(
        f"  act latency: p50 {percentile_ms(latencies, 0.50):.3f} ms, "
        f"p99 {percentile_ms(latencies, 0.99):.3f} ms, max {latencies[-1] / 1e6:.3f} ms"
    )
    shares = [("read+deserialize", runner.load_ns)] if args.reload else []
    shares += [
        ("engine", runner.engine_ns),
        ("serialize", runner.serialize_ns),
        ("SQLite write+commit", runner.store_ns),
    ]
    print("  time in acts: " + ", ".join(f"{name} {100 * ns / busy:.0f}%" for name, ns in shares))


if __name__ == "__main__":
    main()
