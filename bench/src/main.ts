// `pnpm bench`: the router against the raw-ws ceiling, same peers, same run. See ../README.md.
import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cpuMicros, machine, rssBytes } from './proc.js';
import type { SerializerName, Target } from './wire.js';

const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 1000);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 3000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 5000);
const SERIALIZER_NAMES: SerializerName[] = ['json', 'msgpack', 'cbor'];
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

interface Reply {
  type: string;
  [key: string]: unknown;
}

/** A forked child with a typed request/answer channel. */
class Child {
  private readonly inbox: Reply[] = [];
  private waiters: ((reply: Reply) => boolean)[] = [];
  onProgress: ((reply: Reply) => void) | null = null;

  constructor(readonly process: ChildProcess) {
    process.on('message', (reply: Reply) => {
      if (reply.type === 'progress') {
        this.onProgress?.(reply);
        return;
      }
      const waiter = this.waiters.findIndex((accept) => accept(reply));
      if (waiter === -1) this.inbox.push(reply);
      else this.waiters.splice(waiter, 1);
    });
  }

  static start(script: string, args: string[], gc = false): Child {
    return new Child(fork(here(script), args, { execArgv: gc ? ['--expose-gc'] : [], stdio: 'inherit' }));
  }

  send(message: object): void {
    this.process.send(message);
  }

  /** The next reply of `type`, failing after `timeoutMs`. */
  expect(type: string, timeoutMs = 60_000): Promise<Reply> {
    const queued = this.inbox.findIndex((reply) => reply.type === type);
    if (queued !== -1) return Promise.resolve(this.inbox.splice(queued, 1)[0]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no "${type}" from ${this.process.spawnargs.join(' ')}`)),
        timeoutMs,
      );
      this.waiters.push((reply) => {
        if (reply.type !== type) return false;
        clearTimeout(timer);
        resolve(reply);
        return true;
      });
    });
  }

  async ask(message: object, type: string): Promise<Reply> {
    const answer = this.expect(type);
    this.send(message);
    return answer;
  }

  stop(): void {
    if (this.process.connected) this.process.send({ type: 'stop' });
    this.process.kill();
  }
}

interface Measurement {
  value: number;
  cpuMicrosPerOp: number;
  extra?: Record<string, number>;
}

async function startServer(target: Target): Promise<{ server: Child; url: string }> {
  const server = Child.start(target === 'router' ? 'router-server.js' : 'forwarder.js', [], true);
  const { port } = await server.expect('ready');
  return { server, url: `ws://127.0.0.1:${port}/ws` };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `children` (already ready), warms up, then measures operations over a fixed window. */
async function window(
  server: Child,
  counters: Child[],
  go: Child[],
): Promise<{ ops: number; seconds: number; cpu: number; marks: Reply[] }> {
  for (const child of go) child.send({ type: 'go' });
  await sleep(WARMUP_MS);
  const first = await Promise.all(counters.map((child) => child.ask({ type: 'mark' }, 'mark')));
  const cpuStart = cpuMicros(server.process.pid!);
  const start = process.hrtime.bigint();
  await sleep(WINDOW_MS);
  const last = await Promise.all(counters.map((child) => child.ask({ type: 'mark' }, 'mark')));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = cpuMicros(server.process.pid!) - cpuStart;
  const ops = last.reduce((sum, reply, i) => sum + (reply.completed as number) - (first[i]!.completed as number), 0);
  return { ops, seconds, cpu, marks: last };
}

async function rpcThroughput(target: Target, serializer: SerializerName): Promise<Measurement> {
  const { server, url } = await startServer(target);
  const callee = Child.start('peer.js', ['callee', url, serializer, target]);
  await callee.expect('ready');
  const callers = Child.start('peer.js', ['callers', url, serializer, target, '4']);
  await callers.expect('ready');
  const { ops, seconds, cpu } = await window(server, [callers], [callers]);
  for (const child of [callers, callee, server]) child.stop();
  return { value: ops / seconds, cpuMicrosPerOp: cpu / ops };
}

async function rpcLatency(target: Target, serializer: SerializerName): Promise<Measurement> {
  const { server, url } = await startServer(target);
  const callee = Child.start('peer.js', ['callee', url, serializer, target]);
  await callee.expect('ready');
  const caller = Child.start('peer.js', ['latency', url, serializer, target]);
  await caller.expect('ready');
  const { ops, cpu, marks } = await window(server, [caller], [caller]);
  for (const child of [caller, callee, server]) child.stop();
  const mark = marks[0]!;
  return { value: mark.p50 as number, cpuMicrosPerOp: cpu / ops, extra: { p99: mark.p99 as number } };
}

async function fanout(target: Target, serializer: SerializerName): Promise<Measurement> {
  const { server, url } = await startServer(target);
  const subscribers = Child.start('peer.js', ['subscribers', url, serializer, target, '10']);
  await subscribers.expect('ready');
  const publisher = Child.start('peer.js', ['publisher', url, serializer, target]);
  await publisher.expect('ready');
  subscribers.onProgress = (reply) => publisher.send({ type: 'credit', upTo: reply.slowest });
  const { ops, seconds, cpu, marks } = await window(server, [subscribers], [publisher]);
  for (const child of [publisher, subscribers, server]) child.stop();
  // Events delivered per second, summed over the 10 subscribers.
  return { value: ops / seconds, cpuMicrosPerOp: cpu / ops, extra: { lost: marks[0]!.lost as number } };
}

async function connections(target: Target, serializer: SerializerName): Promise<Measurement> {
  const { server, url } = await startServer(target);
  await server.ask({ type: 'gc' }, 'gc-done');
  const rssBefore = rssBytes(server.process.pid!);
  const cpuStart = cpuMicros(server.process.pid!);
  const joiner = Child.start('peer.js', ['connections', url, serializer, target, String(CONNECTIONS)]);
  const { joined, seconds } = await joiner.expect('ready', 120_000);
  const cpu = cpuMicros(server.process.pid!) - cpuStart;
  await server.ask({ type: 'gc' }, 'gc-done');
  const perSession = (rssBytes(server.process.pid!) - rssBefore) / (joined as number);
  for (const child of [joiner, server]) child.stop();
  return {
    value: (joined as number) / (seconds as number),
    cpuMicrosPerOp: cpu / (joined as number),
    extra: { rssPerSessionBytes: perSession, sessions: joined as number },
  };
}

const SCENARIOS = [
  { name: 'rpc throughput', unit: 'calls/s', run: rpcThroughput, higherIsBetter: true },
  { name: 'rpc latency p50', unit: 'µs', run: rpcLatency, higherIsBetter: false },
  { name: 'pub/sub fan-out', unit: 'events/s', run: fanout, higherIsBetter: true },
  { name: 'connections', unit: 'joins/s', run: connections, higherIsBetter: true },
] as const;

const rows: Record<string, unknown>[] = [];
const format = (value: number) => (value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1));

console.log(
  `wamp-router benchmark — ${WINDOW_MS} ms windows after ${WARMUP_MS} ms warm-up, ${CONNECTIONS} connections`,
);
console.log('scenario           ser      router        ceiling       ratio  router CPU µs/op  notes');
for (const scenario of SCENARIOS) {
  for (const serializer of SERIALIZER_NAMES) {
    const router = await scenario.run('router', serializer);
    const ceiling = await scenario.run('ceiling', serializer);
    // The ratio is always "how close to the ceiling": for latency, ceiling ÷ router.
    const ratio = scenario.higherIsBetter ? router.value / ceiling.value : ceiling.value / router.value;
    const notes = Object.entries(router.extra ?? {})
      .map(([key, value]) => `${key}=${format(value)}`)
      .join(' ');
    rows.push({ scenario: scenario.name, unit: scenario.unit, serializer, router, ceiling, ratio });
    console.log(
      `${scenario.name.padEnd(18)} ${serializer.padEnd(8)} ${format(router.value).padStart(10)}  ${format(ceiling.value).padStart(12)}  ${ratio.toFixed(2).padStart(8)}  ${router.cpuMicrosPerOp.toFixed(1).padStart(16)}  ${notes}`,
    );
  }
}

const find = (scenario: string, serializer: SerializerName) =>
  rows.find((row) => row.scenario === scenario && row.serializer === serializer) as {
    ratio: number;
    router: Measurement;
  };
const floors = [
  { what: 'RPC throughput over json ≥ 0.5 of the ceiling', met: find('rpc throughput', 'json').ratio >= 0.5 },
  { what: 'fan-out over json ≥ 0.6 of the ceiling', met: find('pub/sub fan-out', 'json').ratio >= 0.6 },
  {
    what: 'router RSS per idle session < 24 KiB',
    met: SERIALIZER_NAMES.every((s) => (find('connections', s).router.extra?.rssPerSessionBytes ?? 0) < 24 * 1024),
  },
];
for (const floor of floors) console.log(`${floor.met ? 'met    ' : 'NOT MET'}  ${floor.what}`);

const results = fileURLToPath(new URL('../results/', import.meta.url));
mkdirSync(results, { recursive: true });
writeFileSync(
  `${results}latest.json`,
  `${JSON.stringify({ date: new Date().toISOString(), machine: machine(), rows, floors }, null, 2)}\n`,
);
console.log(`results written to ${results}latest.json`);
