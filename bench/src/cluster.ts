// Cluster scenarios of `pnpm bench`: three router nodes on one nats-server (Debian's, with JetStream), peers spread
// over the nodes. This machine has 2 cores, so the figures are stated as ratios to the single-node run of the same
// benchmark, not as a scaling claim: the point is what a hop through NATS costs.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Child, window } from './children.js';
import { cpuMicros } from './proc.js';
import type { SerializerName } from './wire.js';

const NODES = 3;
const SERIALIZER: SerializerName = 'json';

/** One cluster measurement: its value, the routers' CPU per operation summed over the nodes, and NATS's. */
export interface ClusterMeasurement {
  value: number;
  routersCpuMicrosPerOp: number;
  natsCpuMicrosPerOp: number;
  extra?: Record<string, number>;
}

interface Cluster {
  nodes: Child[];
  urls: string[];
  nats: ChildProcess;
  stop(): void;
}

/** A nats-server with JetStream on a free port; resolves with its URL once it is ready. */
function startNats(): Promise<{ nats: ChildProcess; url: string; store: string }> {
  const store = mkdtempSync(join(tmpdir(), 'bench-nats-'));
  const nats = spawn('nats-server', ['-a', '127.0.0.1', '-p', '-1', '-js', '-sd', store], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`nats-server did not start:\n${log}`)), 10_000);
    nats.once('error', (error) => reject(new Error(`cannot run nats-server: ${error.message}`)));
    nats.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      log += chunk;
      const address = /Listening for client connections on ([\d.]+:\d+)/.exec(log)?.[1];
      if (address !== undefined && log.includes('Server is ready')) {
        clearTimeout(timer);
        nats.stderr!.removeAllListeners('data');
        nats.stderr!.resume();
        resolve({ nats, url: `nats://${address}`, store });
      }
    });
  });
}

async function startCluster(): Promise<Cluster> {
  const { nats, url, store } = await startNats();
  const nodes = Array.from({ length: NODES }, (_, i) =>
    Child.start('router-server.js', ['--cluster', url, `bench-node-${i + 1}`], true),
  );
  const ports = await Promise.all(nodes.map((node) => node.expect('ready')));
  return {
    nodes,
    urls: ports.map(({ port }) => `ws://127.0.0.1:${port}/ws`),
    nats,
    stop() {
      for (const node of nodes) node.stop();
      nats.kill('SIGKILL');
      rmSync(store, { recursive: true, force: true });
    },
  };
}

async function measure(
  cluster: Cluster,
  counters: Child[],
  go: Child[],
): Promise<{
  ops: number;
  seconds: number;
  routersCpu: number;
  natsCpu: number;
  marks: Awaited<ReturnType<typeof window>>['marks'];
}> {
  const natsStart = cpuMicros(cluster.nats.pid!);
  const { ops, seconds, cpu, marks } = await window(cluster.nodes, counters, go);
  return { ops, seconds, routersCpu: cpu, natsCpu: cpuMicros(cluster.nats.pid!) - natsStart, marks };
}

/** Callee on node 1, caller on node 2: every call crosses NATS twice. */
async function crossNodeLatency(cluster: Cluster): Promise<ClusterMeasurement> {
  const callee = Child.start('peer.js', ['callee', cluster.urls[0]!, SERIALIZER, 'router']);
  await callee.expect('ready');
  const caller = Child.start('peer.js', ['latency', cluster.urls[1]!, SERIALIZER, 'router']);
  await caller.expect('ready');
  const { ops, routersCpu, natsCpu, marks } = await measure(cluster, [caller], [caller]);
  for (const child of [caller, callee]) child.stop();
  const mark = marks[0]!;
  return {
    value: mark.p50 as number,
    routersCpuMicrosPerOp: routersCpu / ops,
    natsCpuMicrosPerOp: natsCpu / ops,
    extra: { p99: mark.p99 as number },
  };
}

async function crossNodeThroughput(cluster: Cluster): Promise<ClusterMeasurement> {
  const callee = Child.start('peer.js', ['callee', cluster.urls[0]!, SERIALIZER, 'router']);
  await callee.expect('ready');
  const callers = Child.start('peer.js', ['callers', cluster.urls[1]!, SERIALIZER, 'router', '4']);
  await callers.expect('ready');
  const { ops, seconds, routersCpu, natsCpu } = await measure(cluster, [callers], [callers]);
  for (const child of [callers, callee]) child.stop();
  return { value: ops / seconds, routersCpuMicrosPerOp: routersCpu / ops, natsCpuMicrosPerOp: natsCpu / ops };
}

/** Publisher on node 1; 10 subscribers as 4 + 3 + 3 over the three nodes; credit follows the slowest of all. */
async function spreadFanout(cluster: Cluster): Promise<ClusterMeasurement> {
  const groups = [4, 3, 3].map((count, node) =>
    Child.start('peer.js', ['subscribers', cluster.urls[node]!, SERIALIZER, 'router', String(count)]),
  );
  await Promise.all(groups.map((group) => group.expect('ready')));
  const publisher = Child.start('peer.js', ['publisher', cluster.urls[0]!, SERIALIZER, 'router']);
  await publisher.expect('ready');
  const slowest = groups.map(() => 0);
  groups.forEach((group, index) => {
    group.onProgress = (reply) => {
      slowest[index] = reply.slowest as number;
      publisher.send({ type: 'credit', upTo: Math.min(...slowest) });
    };
  });
  const { ops, seconds, routersCpu, natsCpu, marks } = await measure(cluster, groups, [publisher]);
  for (const child of [publisher, ...groups]) child.stop();
  return {
    value: ops / seconds,
    routersCpuMicrosPerOp: routersCpu / ops,
    natsCpuMicrosPerOp: natsCpu / ops,
    extra: { lost: marks.reduce((sum, mark) => sum + (mark.lost as number), 0) },
  };
}

export const CLUSTER_SCENARIOS = [
  { name: 'rpc latency p50', unit: 'µs', run: crossNodeLatency, higherIsBetter: false },
  { name: 'rpc throughput', unit: 'calls/s', run: crossNodeThroughput, higherIsBetter: true },
  { name: 'pub/sub fan-out', unit: 'events/s', run: spreadFanout, higherIsBetter: true },
] as const;

/** Runs every cluster scenario on a fresh cluster each, over json; the caller compares with its single-node rows. */
export async function clusterScenarios(): Promise<{ name: string; unit: string; result: ClusterMeasurement }[]> {
  const results = [];
  for (const scenario of CLUSTER_SCENARIOS) {
    const cluster = await startCluster();
    try {
      results.push({ name: scenario.name, unit: scenario.unit, result: await scenario.run(cluster) });
    } finally {
      cluster.stop();
    }
  }
  return results;
}
