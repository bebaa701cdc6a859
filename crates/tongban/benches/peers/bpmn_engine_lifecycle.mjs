// Tongban's case lifecycle on bpmn-engine, in memory (nothing is persisted).
//
// One lifecycle is seven acts, as in `cargo bench -p tongban --bench case_lifecycle`: the
// applicant submits (a new engine executes the process), the window accepts, three
// departments approve their parallel user tasks, the window closes the case and delivers the
// result. Each user task is signalled with its act's data when it waits.
//
// Cases run one at a time by default (--concurrency 1); with --concurrency 16, sixteen cases
// are in flight at once, like the Rust bench's sixteen clients. Node runs them all on one
// thread: each act first yields to the event loop, so the cases take turns, and an act's
// latency counts from that yield (its wait for a turn included) to the engine's next rest.
// bpmn-engine runs an act synchronously until the next user task waits, so more cases in
// flight bring waiting, not parallelism.
//
// The BPMN is parsed once and the serialized context shared by every engine (--parse once,
// as a server would cache it); --parse per-case gives each engine the XML `source` instead.
//
// Run through run.sh, or: node bpmn_engine_lifecycle.mjs --lifecycles 2000 --concurrency 16
// (options: --lifecycles, --warmup, --concurrency, --parse once|per-case, --bpmn FILE; the
// first three also from PEERS_LIFECYCLES, PEERS_WARMUP, PEERS_CONCURRENCY; the packages from
// the npm prefix PEERS_NODE_PREFIX, default target/peers/node).
import { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { setImmediate as nextTurn } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

// The packages live in the scratch npm prefix that run.sh installs, not beside this file,
// and ES module imports cannot be pointed elsewhere; so they are loaded from there with
// require (each ships a CommonJS build).
const root = fileURLToPath(new URL("../../../../", import.meta.url));
const prefix = process.env.PEERS_NODE_PREFIX ?? join(root, "target/peers/node");
const require = createRequire(join(prefix, "/"));
const BpmnModdle = require("bpmn-moddle");
const elements = require("bpmn-elements");
const { Engine } = require("bpmn-engine");
const { Serializer, TypeResolver } = require("moddle-context-serializer");
const enginePackage = join(prefix, "node_modules/bpmn-engine/package.json");
const ENGINE_VERSION = JSON.parse(readFileSync(enginePackage, "utf8")).version;

// What waits at each step; the three reviews must wait together (the fork).
const STAGES = [
  ["accept"],
  ["market_review", "health_review", "police_review"],
  ["close"],
  ["deliver"],
];
const USER_TASKS = STAGES.flat();
const END_EVENT = "delivered";

// The data each act carries, like the body of the matching Tongban request.
const ACTS = {
  accept: { actor: "window_clerk", decision: "accepted", note: "材料齐全，予以受理" },
  market_review: { actor: "bench_market", decision: "approved", note: "经营场所符合要求" },
  health_review: { actor: "bench_health", decision: "approved", note: "从业人员健康证明有效" },
  police_review: { actor: "bench_police", decision: "approved", note: "无治安隐患" },
  close: { actor: "window_clerk", result: "granted", licence: "JY1530000000000" },
  deliver: { actor: "window_clerk", channel: "window", note: "已当面送达" },
};

const SUBMISSION = {
  applicant: "云溪市某某餐饮有限公司",
  item: "食品经营许可",
  channel: "online",
  materials: ["营业执照", "经营场所证明", "健康证明"],
};

function options() {
  const env = process.env;
  const { values } = parseArgs({
    options: {
      lifecycles: { type: "string", default: env.PEERS_LIFECYCLES ?? "2000" },
      warmup: { type: "string", default: env.PEERS_WARMUP ?? "50" },
      concurrency: { type: "string", default: env.PEERS_CONCURRENCY ?? "1" },
      parse: { type: "string", default: "once" },
      bpmn: { type: "string", default: fileURLToPath(new URL("lifecycle.bpmn", import.meta.url)) },
    },
  });
  if (!["once", "per-case"].includes(values.parse)) {
    throw new Error("--parse is once or per-case");
  }
  return {
    lifecycles: count(values.lifecycles, "lifecycles", 1),
    warmup: count(values.warmup, "warmup", 0),
    concurrency: count(values.concurrency, "concurrency", 1),
    parse: values.parse,
    bpmn: values.bpmn,
  };
}

function count(text, name, least) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < least) {
    throw new Error(`--${name} must be an integer of at least ${least}`);
  }
  return n;
}

// The documented way to give engines an already parsed definition (`sourceContext`).
async function parseOnce(source) {
  const moddleContext = await new BpmnModdle().fromXML(source);
  if (moddleContext.warnings?.length) {
    throw new Error(`BPMN warnings: ${JSON.stringify(moddleContext.warnings)}`);
  }
  return Serializer(moddleContext, TypeResolver(elements));
}

async function lifecycle(caseId, definition, latencies) {
  // Waiting tasks by execution id, so that a task waiting twice would show.
  const waiting = new Map();
  const waitingIds = () => [...waiting.values()].map((api) => api.id);
  const listener = new EventEmitter();
  listener.on("wait", (api) => waiting.set(api.executionId, api));

  const engine = new Engine({ name: `case-${caseId}`, ...definition });
  const ended = engine.waitFor("end"); // rejects if the engine errors

  // One act: wait for a turn, then run it; timed from before the wait.
  const act = async (run) => {
    const start = performance.now();
    await nextTurn();
    await run();
    latencies.push(performance.now() - start);
  };

  let execution;
  await act(async () => {
    const variables = { caseId, submission: SUBMISSION };
    execution = await engine.execute({ listener, variables });
  });
  for (const stage of STAGES) {
    for (const [done, taskId] of stage.entries()) {
      // Exactly this stage's tasks not yet done must be waiting: the three reviews at once.
      const expected = stage.slice(done).sort().join();
      const found = waitingIds().sort().join();
      if (found !== expected) {
        throw new Error(`case ${caseId}: expected ${expected} waiting, found ${found}`);
      }
      await act(() => {
        const task = [...waiting.values()].find((api) => api.id === taskId);
        waiting.delete(task.executionId);
        task.signal({ ...ACTS[taskId], caseId });
      });
    }
  }

  await ended;
  // The engine is idle again once its definition completed; check the run really ended there.
  const [definitionRun] = execution.definitions;
  const [processRun] = definitionRun.getProcesses();
  const problems = [];
  if (engine.state !== "idle" || engine.stopped) problems.push(`engine ${engine.state}`);
  if (waiting.size) problems.push(`still waiting: ${waitingIds()}`);
  if (definitionRun.counters.completed !== 1) problems.push("definition not completed");
  if (processRun.counters.completed !== 1) problems.push("process not completed");
  for (const id of [...USER_TASKS, END_EVENT]) {
    if (execution.getActivityById(id).counters.taken !== 1) problems.push(`${id} not taken once`);
  }
  if (problems.length) throw new Error(`case ${caseId}: ${problems.join("; ")}`);
}

// Runs `total` lifecycles with `concurrency` of them in flight; returns how many completed.
async function runCases(first, total, concurrency, definition, latencies) {
  let next = first;
  let completed = 0;
  const worker = async () => {
    while (next < first + total) {
      const caseId = next++;
      await lifecycle(caseId, definition, latencies);
      completed++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return completed;
}

// Nearest-rank percentile of sorted values.
function percentile(sorted, fraction) {
  return sorted[Math.max(1, Math.ceil(fraction * sorted.length)) - 1];
}

async function main() {
  const opts = options();
  const source = readFileSync(opts.bpmn, "utf8");
  const definition =
    opts.parse === "once" ? { sourceContext: await parseOnce(source) } : { source };

  await runCases(1, opts.warmup, opts.concurrency, definition, []);

  const latencies = [];
  const began = performance.now();
  const completed = await runCases(
    opts.warmup + 1,
    opts.lifecycles,
    opts.concurrency,
    definition,
    latencies,
  );
  const seconds = (performance.now() - began) / 1000;

  const acts = latencies.length;
  if (completed !== opts.lifecycles || acts !== 7 * completed) {
    console.error(`FAILED: ${completed}/${opts.lifecycles} lifecycles, ${acts} acts`);
    process.exit(1);
  }
  latencies.sort((a, b) => a - b);
  const inFlight =
    opts.concurrency === 1 ? "one case at a time" : `${opts.concurrency} cases in flight`;
  const parsed = opts.parse === "once" ? "BPMN parsed once" : "BPMN parsed for every case";
  const ms = (value) => `${value.toFixed(3)} ms`;
  const node = process.versions.node;
  console.log(`bpmn-engine ${ENGINE_VERSION} (Node ${node}; in memory; ${parsed})`);
  console.log(
    `  ${completed} lifecycles reached the end event, ${acts} acts, ${inFlight}, ` +
      `in ${seconds.toFixed(2)} s (after ${opts.warmup} warm-up)`,
  );
  console.log(
    `  lifecycles/s: ${(completed / seconds).toFixed(1)}   acts/s: ${(acts / seconds).toFixed(0)}`,
  );
  console.log(
    `  act latency: p50 ${ms(percentile(latencies, 0.5))}, ` +
      `p99 ${ms(percentile(latencies, 0.99))}, max ${ms(latencies.at(-1))}`,
  );
}

await main();
