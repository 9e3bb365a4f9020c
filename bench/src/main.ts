// `pnpm bench`: the router against the raw-ws ceiling, same peers, same run. See ../README.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Child, WARMUP_MS, WINDOW_MS, window } from './children.js';
import { clusterScenarios } from './cluster.js';
import { cpuMicros, machine, rssBytes } from './proc.js';
import type { SerializerName, Target } from './wire.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 5000);
const SERIALIZER_NAMES: SerializerName[] = ['json', 'msgpack', 'cbor'];
// `BENCH_ONLY=rpc,fan-out` runs the single-node scenarios whose names contain one of the words (no cluster).
const ONLY = process.env.BENCH_ONLY?.split(',');
// `BENCH_ROUNDS=3` measures each single-node row three times, router and ceiling in turn, and reports medians.
const ROUNDS = Math.max(1, Math.floor(Number(process.env.BENCH_ROUNDS ?? 1)));

export interface Measurement {
  value: number;
  cpuMicrosPerOp: number;
  /** The server's CPU over the window in cores (1 = one core busy all the time): below 1, it waited for its peers. */
  load: number;
  /** The peers' CPU over the window in cores: near the cores they have, they set the pace. */
  peerLoad: number;
  extra?: Record<string, number>;
}

/**
 * Below this load on the server, a throughput figure says more about the load generator than about the server:
 * such rows are marked "generator-bound" (their CPU µs/op still compares).
 */
const SATURATED_LOAD = 0.9;

/** How peers reach the server: WebSocket, or RawSocket (the router's rs:// port, or the RawSocket forwarder). */
type Carrier = 'ws' | 'rs';

/**
 * How one scenario run differs from the plain one: the router's metrics on (and scraped once a second), the peers
 * on RawSocket, and a fixed rate instead of as fast as the server goes (calls or publications a second).
 */
interface RunOptions {
  metrics?: boolean;
  carrier?: Carrier;
  rate?: number;
}

/**
 * Scrapes the router's metrics as Prometheus would, from outside: once now (the first scrape loads prom-client, a
 * one-off at startup, not a cost of the messages measured), then once a second until the router stops.
 */
async function scrapeEverySecond(server: Child, metricsUrl: string): Promise<void> {
  const scrape = async () => (await fetch(metricsUrl)).text();
  await scrape();
  const timer = setInterval(() => void scrape().catch(() => undefined), 1_000);
  server.process.once('exit', () => clearInterval(timer));
}

/** Starts the router (with metrics on and scraped once a second when `metrics`) or the forwarder of `carrier`. */
async function startServer(
  target: Target,
  { metrics = false, carrier = 'ws' }: RunOptions = {},
): Promise<{ server: Child; url: string }> {
  const forwarder = carrier === 'rs' ? 'rawsocket-forwarder.js' : 'forwarder.js';
  const server = Child.start(target === 'router' ? 'router-server.js' : forwarder, [], true, {
    ...(metrics && { BENCH_METRICS: '1' }),
  });
  const { port, rawsocketPort, metricsUrl } = await server.expect('ready');
  if (typeof metricsUrl === 'string') await scrapeEverySecond(server, metricsUrl);
  if (carrier === 'ws') return { server, url: `ws://127.0.0.1:${port}/ws` };
  return { server, url: `rs://127.0.0.1:${target === 'router' ? rawsocketPort : port}` };
}

/** Calls from 4 callers with 64 in flight each, or with a `rate`, from one caller at that rate. */
async function rpcThroughput(
  target: Target,
  serializer: SerializerName,
  options: RunOptions = {},
): Promise<Measurement> {
  const { server, url } = await startServer(target, options);
  const callee = Child.start('peer.js', ['callee', url, serializer, target]);
  await callee.expect('ready');
  const rate = options.rate ?? 0;
  const load =
    rate === 0 ? ['callers', url, serializer, target, '4'] : ['paced', url, serializer, target, String(rate)];
  const callers = Child.start('peer.js', load);
  await callers.expect('ready');
  const { ops, seconds, cpu, peerCpu } = await window(server, [callers], [callers], [callee]);
  for (const child of [callers, callee, server]) child.stop();
  return {
    value: ops / seconds,
    cpuMicrosPerOp: cpu / ops,
    load: cpu / 1e6 / seconds,
    peerLoad: peerCpu / 1e6 / seconds,
  };
}

async function rpcLatency(target: Target, serializer: SerializerName): Promise<Measurement> {
  const { server, url } = await startServer(target);
  const callee = Child.start('peer.js', ['callee', url, serializer, target]);
  await callee.expect('ready');
  const caller = Child.start('peer.js', ['latency', url, serializer, target]);
  await caller.expect('ready');
  const { ops, seconds, cpu, peerCpu, marks } = await window(server, [caller], [caller], [callee]);
  for (const child of [caller, callee, server]) child.stop();
  const mark = marks[0]!;
  return {
    value: mark.p50 as number,
    cpuMicrosPerOp: cpu / ops,
    load: cpu / 1e6 / seconds,
    peerLoad: peerCpu / 1e6 / seconds,
    extra: { p99: mark.p99 as number },
  };
}

/** Events to `subscriberCount` subscribers, published as fast as the slowest takes them, or at a `rate`. */
async function fanout(
  target: Target,
  serializer: SerializerName,
  subscriberCount = 10,
  options: RunOptions = {},
): Promise<Measurement> {
  const { server, url } = await startServer(target, options);
  const subscribers = Child.start('peer.js', ['subscribers', url, serializer, target, String(subscriberCount)]);
  await subscribers.expect('ready');
  const pace = options.rate === undefined ? [] : [String(options.rate)];
  const publisher = Child.start('peer.js', ['publisher', url, serializer, target, ...pace]);
  await publisher.expect('ready');
  subscribers.onProgress = (reply) => publisher.send({ type: 'credit', upTo: reply.slowest });
  const { ops, seconds, cpu, peerCpu, marks } = await window(server, [subscribers], [publisher]);
  for (const child of [publisher, subscribers, server]) child.stop();
  // Events delivered per second, summed over the subscribers.
  return {
    value: ops / seconds,
    cpuMicrosPerOp: cpu / ops,
    load: cpu / 1e6 / seconds,
    peerLoad: peerCpu / 1e6 / seconds,
    extra: { lost: marks[0]!.lost as number },
  };
}

async function connections(target: Target, serializer: SerializerName): Promise<Measurement> {
  const { server, url } = await startServer(target);
  await server.ask({ type: 'gc' }, 'gc-done');
  const rssBefore = rssBytes(server.process.pid!);
  const cpuStart = cpuMicros(server.process.pid!);
  const joiner = Child.start('peer.js', ['connections', url, serializer, target, String(CONNECTIONS)]);
  const joinerCpuStart = cpuMicros(joiner.process.pid!);
  const { joined, seconds } = await joiner.expect('ready', 120_000);
  const cpu = cpuMicros(server.process.pid!) - cpuStart;
  const joinerCpu = cpuMicros(joiner.process.pid!) - joinerCpuStart;
  await server.ask({ type: 'gc' }, 'gc-done');
  const perSession = (rssBytes(server.process.pid!) - rssBefore) / (joined as number);
  for (const child of [joiner, server]) child.stop();
  return {
    value: (joined as number) / (seconds as number),
    cpuMicrosPerOp: cpu / (joined as number),
    load: cpu / 1e6 / (seconds as number),
    peerLoad: joinerCpu / 1e6 / (seconds as number),
    extra: { rssPerSessionBytes: perSession, sessions: joined as number },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The median of each figure over the rounds (each on its own); events lost: the most any round lost. */
function medianOf(rounds: Measurement[]): Measurement {
  if (rounds.length === 1) return rounds[0]!;
  const extra: Record<string, number> = {};
  for (const key of Object.keys(rounds[0]!.extra ?? {})) {
    const values = rounds.map((round) => round.extra![key]!);
    extra[key] = key === 'lost' ? Math.max(...values) : median(values);
  }
  return {
    value: median(rounds.map((round) => round.value)),
    cpuMicrosPerOp: median(rounds.map((round) => round.cpuMicrosPerOp)),
    load: median(rounds.map((round) => round.load)),
    peerLoad: median(rounds.map((round) => round.peerLoad)),
    extra,
  };
}

const SCENARIOS = [
  { name: 'rpc throughput', unit: 'calls/s', run: rpcThroughput, higherIsBetter: true, throughput: true },
  { name: 'rpc latency p50', unit: 'µs', run: rpcLatency, higherIsBetter: false, throughput: false },
  {
    name: 'pub/sub fan-out',
    unit: 'events/s',
    run: (target: Target, serializer: SerializerName) => fanout(target, serializer),
    higherIsBetter: true,
    throughput: true,
  },
  // The same per delivered event to 100 subscribers: a cost per subscriber would show here, not in the row above.
  {
    name: 'fan-out 1 → 100',
    unit: 'events/s',
    run: (target: Target, serializer: SerializerName) => fanout(target, serializer, 100),
    higherIsBetter: true,
    throughput: true,
  },
  { name: 'connections', unit: 'joins/s', run: connections, higherIsBetter: true, throughput: true },
  // The same peers over RawSocket, against the router's rs:// port and a RawSocket forwarder as the ceiling.
  {
    name: 'rawsocket rpc',
    unit: 'calls/s',
    run: (target: Target, serializer: SerializerName) => rpcThroughput(target, serializer, { carrier: 'rs' }),
    higherIsBetter: true,
    throughput: true,
  },
  {
    name: 'rawsocket fan-out',
    unit: 'events/s',
    run: (target: Target, serializer: SerializerName) => fanout(target, serializer, 10, { carrier: 'rs' }),
    higherIsBetter: true,
    throughput: true,
  },
] as const;

const rows: Record<string, unknown>[] = [];
const format = (value: number) => (value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1));

console.log(
  `wamp-router benchmark — ${WINDOW_MS} ms windows after ${WARMUP_MS} ms warm-up, ${CONNECTIONS} connections` +
    (ROUNDS > 1 ? `, medians of ${ROUNDS} rounds` : ''),
);
console.log(
  'scenario           ser      router        ceiling       ratio  CPU µs/op router · ceiling  load server/peers: router · ceiling  notes',
);
for (const scenario of SCENARIOS) {
  if (ONLY && !ONLY.some((word) => scenario.name.includes(word))) continue;
  for (const serializer of SERIALIZER_NAMES) {
    // Router and ceiling in turn, so that a slow spell of the machine touches both.
    const routerRounds: Measurement[] = [];
    const ceilingRounds: Measurement[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      routerRounds.push(await scenario.run('router', serializer));
      ceilingRounds.push(await scenario.run('ceiling', serializer));
    }
    const router = medianOf(routerRounds);
    const ceiling = medianOf(ceilingRounds);
    // The ratio is always "how close to the ceiling": for latency, ceiling ÷ router.
    const ratio = scenario.higherIsBetter ? router.value / ceiling.value : ceiling.value / router.value;
    const generatorBound = scenario.throughput && router.load < SATURATED_LOAD;
    const notes = Object.entries(router.extra ?? {})
      .map(([key, value]) => `${key}=${format(value)}`)
      .concat(generatorBound ? ['generator-bound'] : [])
      .join(' ');
    rows.push({ scenario: scenario.name, unit: scenario.unit, serializer, router, ceiling, ratio, generatorBound });
    const cpuColumn = `${router.cpuMicrosPerOp.toFixed(1)} · ${ceiling.cpuMicrosPerOp.toFixed(1)}`;
    const loads = (of: Measurement) => `${of.load.toFixed(2)}/${of.peerLoad.toFixed(2)}`;
    const loadColumn = `${loads(router)} · ${loads(ceiling)}`;
    console.log(
      `${scenario.name.padEnd(18)} ${serializer.padEnd(8)} ${format(router.value).padStart(10)}  ${format(ceiling.value).padStart(12)}  ${ratio.toFixed(2).padStart(8)}  ${cpuColumn.padStart(24)}  ${loadColumn.padStart(35)}  ${notes}`,
    );
  }
}

const PACED_CALLS = 50_000;
const PACED_PUBLICATIONS = 25_000;

/**
 * What metrics cost: RPC and fan-out at fixed rates (so that the router batches alike both ways and its CPU per
 * operation compares), with the router's metrics off and on (scraped once a second from outside), in turn and in alternating
 * order each round, so that a slow spell of the machine touches both; medians.
 */
async function metricsCost(): Promise<Record<string, unknown>[]> {
  console.log(
    `\nmetrics cost (router with metrics off · on, scraped once a second; fixed rates; medians of ${METRICS_ROUNDS} rounds)`,
  );
  console.log('scenario           ser      off           on            on/off  CPU µs/op off · on    CPU on/off');
  const costRows: Record<string, unknown>[] = [];
  const measured = [
    {
      name: `rpc ${PACED_CALLS / 1000}k calls/s`,
      run: (serializer: SerializerName, metrics: boolean) =>
        rpcThroughput('router', serializer, { metrics, rate: PACED_CALLS }),
    },
    {
      name: `fan-out ${PACED_PUBLICATIONS / 1000}k pub/s`,
      run: (serializer: SerializerName, metrics: boolean) =>
        fanout('router', serializer, 10, { metrics, rate: PACED_PUBLICATIONS }),
    },
  ];
  for (const { name, run } of measured) {
    for (const serializer of SERIALIZER_NAMES) {
      const off: Measurement[] = [];
      const on: Measurement[] = [];
      for (let round = 0; round < METRICS_ROUNDS; round++) {
        const order = round % 2 === 0 ? [false, true] : [true, false];
        for (const metrics of order) (metrics ? on : off).push(await run(serializer, metrics));
      }
      const [a, b] = [medianOf(off), medianOf(on)];
      const row = {
        scenario: name,
        serializer,
        off: a,
        on: b,
        ratio: b.value / a.value,
        cpuRatio: b.cpuMicrosPerOp / a.cpuMicrosPerOp,
      };
      costRows.push(row);
      console.log(
        `${name.padEnd(18)} ${serializer.padEnd(8)} ${format(a.value).padStart(10)}  ${format(b.value).padStart(12)}  ${row.ratio.toFixed(2).padStart(8)}  ${`${a.cpuMicrosPerOp.toFixed(1)} · ${b.cpuMicrosPerOp.toFixed(1)}`.padStart(18)}  ${row.cpuRatio.toFixed(2).padStart(10)}`,
      );
    }
  }
  return costRows;
}

const METRICS_ROUNDS = Math.max(1, Math.floor(Number(process.env.BENCH_METRICS_ROUNDS ?? 3)));
// `BENCH_ONLY=metrics` runs the metrics cost alone.
const metricsCostRows = !ONLY || ONLY.includes('metrics') ? await metricsCost() : [];

// A partial run is for looking at one scenario: no floors, no cluster, no results file.
if (ONLY) process.exit(0);

const find = (scenario: string, serializer: SerializerName) =>
  rows.find((row) => row.scenario === scenario && row.serializer === serializer) as {
    ratio: number;
    router: Measurement;
  };
// A floor not met fails the run (exit code 1) once the results are written.
const floors = [
  {
    // Below 0.9 is flagged per row; below this the run measured its generator (the previous one reached 0.67).
    what: 'RPC throughput over json measured the router, not its peers (router load ≥ 0.75)',
    met: find('rpc throughput', 'json').router.load >= 0.75,
  },
  { what: 'RPC throughput over json ≥ 0.5 of the ceiling', met: find('rpc throughput', 'json').ratio >= 0.5 },
  { what: 'fan-out over json ≥ 0.6 of the ceiling', met: find('pub/sub fan-out', 'json').ratio >= 0.6 },
  {
    what: 'router RSS per idle session < 24 KiB',
    met: SERIALIZER_NAMES.every((s) => (find('connections', s).router.extra?.rssPerSessionBytes ?? 0) < 24 * 1024),
  },
];
for (const floor of floors) console.log(`${floor.met ? 'met    ' : 'NOT MET'}  ${floor.what}`);

// Cluster: 3 nodes on one nats-server, json, beside this run's single-node figures.
const clusterRows: Record<string, unknown>[] = [];
console.log('\ncluster (3 nodes, one nats-server, json; the peers of each call on different nodes)');
console.log('scenario           cluster       one node      ratio  routers CPU µs/op  NATS CPU µs/op  notes');
for (const { name, unit, result } of await clusterScenarios()) {
  const single = find(name, 'json').router;
  const scenario = SCENARIOS.find((entry) => entry.name === name)!;
  const ratio = scenario.higherIsBetter ? result.value / single.value : single.value / result.value;
  const notes = Object.entries(result.extra ?? {})
    .map(([key, value]) => `${key}=${format(value)}`)
    .join(' ');
  clusterRows.push({ scenario: name, unit, cluster: result, single, ratio });
  console.log(
    `${name.padEnd(18)} ${format(result.value).padStart(10)}  ${format(single.value).padStart(12)}  ${ratio.toFixed(2).padStart(8)}  ${result.routersCpuMicrosPerOp.toFixed(1).padStart(17)}  ${result.natsCpuMicrosPerOp.toFixed(1).padStart(14)}  ${notes}`,
  );
}

const results = fileURLToPath(new URL('../results/', import.meta.url));
mkdirSync(results, { recursive: true });
writeFileSync(
  `${results}latest.json`,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      machine: machine(),
      rounds: ROUNDS,
      rows,
      floors,
      metricsCost: metricsCostRows,
      cluster: clusterRows,
    },
    null,
    2,
  )}\n`,
);
console.log(`results written to ${results}latest.json`);
if (!floors.every((floor) => floor.met)) process.exitCode = 1;
