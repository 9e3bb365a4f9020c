// High availability of the cluster's NATS: three nats-server processes in a NATS cluster (routes, JetStream on
// each), two router nodes on different servers of it, and the server under one node killed with SIGKILL.
//
// What this proves: pub/sub and RPC work between router nodes whose NATS servers differ (the NATS cluster carries
// the fabric's messages over its routes), and a node whose NATS server dies fails over to another server of its
// list and routes again, both ways, within a bounded time, with the WAMP sessions, subscriptions and registrations
// made before the failure.
//
// What it does not prove: that the cluster survives losing the server that holds the JetStream key-value buckets.
// The router creates its buckets with one replica, so each lives on one server; the test reads where they are and
// kills a server that holds none of them. Surviving the loss of that server too would need replicated buckets
// (killing it instead makes a new REGISTER fail with wamp.error.unavailable, "the cluster registry cannot be
// reached").
// Nor does it prove anything about events published during the outage (NATS keeps none for absent subscribers).
import { Session } from '@wamp/client';
import { createRouter, type Router } from '@wamp/router';
import { afterEach, describe, expect, it } from 'vitest';
import { type NatsServer, startNatsServer } from '../../packages/router/test/support/nats-server.js';

const CLUSTER = 'wamp-ha';
/** At most this long for a node to be back on another NATS server and routing again. */
const RECOVERY_TIMEOUT_MS = 15_000;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function nats(name: string, routes: string[]): Promise<NatsServer> {
  const server = await startNatsServer({ serverName: name, monitor: true, cluster: { name: CLUSTER, routes } });
  cleanups.push(async () => server[Symbol.asyncDispose]());
  return server;
}

/** A monitoring endpoint of `server` as JSON. */
async function monitor<T>(server: NatsServer, path: string): Promise<T> {
  const response = await fetch(`${server.monitorUrl}${path}`);
  if (!response.ok) throw new Error(`${path} of ${server.monitorUrl}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

/** The JetStream meta leader as `server` sees it, and how many servers its meta group has. */
async function metaLeader(server: NatsServer): Promise<string | undefined> {
  const jsz = await monitor<{ meta_cluster?: { leader?: string; cluster_size?: number } }>(server, '/jsz');
  return jsz.meta_cluster?.cluster_size === 3 ? jsz.meta_cluster.leader : undefined;
}

/** Names of the client connections of `server` (a router node's NATS connection is named after the node). */
async function clients(server: NatsServer): Promise<string[]> {
  const connz = await monitor<{ connections?: { name?: string }[] }>(server, '/connz');
  return (connz.connections ?? []).map((connection) => connection.name ?? '');
}

/** Names of the JetStream streams that `server` holds (a key-value bucket `b` is the stream `KV_b`). */
async function streams(server: NatsServer): Promise<string[]> {
  const jsz = await monitor<{ account_details?: { stream_detail?: { name: string }[] }[] }>(
    server,
    '/jsz?accounts=true&streams=true',
  );
  return (jsz.account_details ?? []).flatMap((account) => (account.stream_detail ?? []).map((stream) => stream.name));
}

async function node(name: string, servers: NatsServer[]): Promise<{ router: Router; url: string }> {
  const router = createRouter({ cluster: { nats: { servers: servers.map((server) => server.url), name } } });
  cleanups.push(() => router.close());
  const { url } = await router.listen({ host: '127.0.0.1', port: 0 });
  return { router, url };
}

async function session(url: string): Promise<Session> {
  const joined = await Session.connect({ url, realm: 'realm1', reconnect: false });
  cleanups.push(() => joined.close());
  return joined;
}

/** Which of `servers` the NATS connection named `name` is on (waits for it to be listed: it may be reconnecting). */
async function serverOf(name: string, servers: NatsServer[]): Promise<NatsServer> {
  let found: NatsServer | undefined;
  await expect
    .poll(
      async () => {
        for (const server of servers) if ((await clients(server)).includes(name)) found = server;
        return found;
      },
      { timeout: RECOVERY_TIMEOUT_MS, interval: 100 },
    )
    .toBeDefined();
  return found!;
}

describe('cluster on a 3-server NATS cluster', () => {
  it('routes across nodes on different NATS servers, and fails a node over to another server when its server is killed', async () => {
    const a = await nats('A', []);
    const b = await nats('B', [a.routeUrl!]);
    const c = await nats('C', [a.routeUrl!]);
    const all = [a, b, c];
    const letters = new Map(all.map((server, index) => [server, 'ABC'[index]!]));
    // JetStream answers once the three servers have elected a meta leader (routers create their buckets at start).
    await expect
      .poll(async () => (await Promise.all(all.map(metaLeader))).join(','), { timeout: 10_000, interval: 100 })
      .toMatch(/^([ABC]),\1,\1$/);

    // Each node gets several URLs to fail over between. The NATS client shuffles its list, so the test looks up
    // where a node landed; the second node's list leaves out the first node's server, so they land on different ones.
    const one = await node('ha-node-1', [b, c, a]);
    const oneOn = await serverOf('ha-node-1', all);
    const two = await node(
      'ha-node-2',
      all.filter((server) => server !== oneOn),
    );
    const twoOn = await serverOf('ha-node-2', all);
    expect(twoOn).not.toBe(oneOn);

    // The buckets (one replica each) live on one server each: the server to kill is one under a node that holds
    // none of them.
    const held = new Map(await Promise.all(all.map(async (server) => [server, await streams(server)] as const)));
    const buckets = [...held.values()].flat().filter((stream) => stream.startsWith('KV_wamp-'));
    expect(buckets).toContain('KV_wamp-registrations');
    const holdsNone = (server: NatsServer) => !held.get(server)!.some((stream) => stream.startsWith('KV_wamp-'));
    const [moving, staying] = holdsNone(oneOn) ? [one, two] : [two, one];
    const movingName = moving === one ? 'ha-node-1' : 'ha-node-2';
    const victim = moving === one ? oneOn : twoOn;
    const placement = [...held].map(([server, names]) => `${letters.get(server)}: ${names.join(' ')}`).join('; ');
    expect(holdsNone(victim), `no node is on a server without buckets (${placement})`).toBe(true);

    // Both ways across the two NATS servers: a callee and a subscriber on each node, callers and publishers on the
    // other.
    const onMoving = await session(moving.url);
    const onStaying = await session(staying.url);
    await onMoving.register('com.ha.moving.echo', (args) => `moving:${String(args[0])}`);
    await onStaying.register('com.ha.staying.echo', (args) => `staying:${String(args[0])}`);
    const toMoving: unknown[] = [];
    const toStaying: unknown[] = [];
    await onMoving.subscribe('com.ha.to-moving', (args) => toMoving.push(args[0]));
    await onStaying.subscribe('com.ha.to-staying', (args) => toStaying.push(args[0]));
    const callerOnMoving = await session(moving.url);
    const callerOnStaying = await session(staying.url);
    expect(await callerOnStaying.call('com.ha.moving.echo', ['before'])).toBe('moving:before');
    expect(await callerOnMoving.call('com.ha.staying.echo', ['before'])).toBe('staying:before');
    await callerOnStaying.publish('com.ha.to-moving', ['before'], { acknowledge: true });
    await callerOnMoving.publish('com.ha.to-staying', ['before'], { acknowledge: true });
    await expect.poll(() => toMoving, { timeout: 5_000 }).toEqual(['before']);
    await expect.poll(() => toStaying, { timeout: 5_000 }).toEqual(['before']);

    await victim.stop('SIGKILL');
    const killedAt = Date.now();
    const survivors = all.filter((server) => server !== victim);
    // The node is back on one of the two other servers (serverOf fails when it is on none within the bound)...
    const movedTo = await serverOf(movingName, survivors);
    // ...and calls and events flow both ways again, with what was registered and subscribed before.
    const poll = { timeout: RECOVERY_TIMEOUT_MS, interval: 100 };
    const outcome = (call: Promise<unknown>) => call.catch((error: { uri?: string }) => error.uri ?? String(error));
    await expect.poll(() => outcome(callerOnStaying.call('com.ha.moving.echo', ['after'])), poll).toBe('moving:after');
    await expect.poll(() => outcome(callerOnMoving.call('com.ha.staying.echo', ['after'])), poll).toBe('staying:after');
    let sent = 0;
    await expect
      .poll(async () => {
        await callerOnStaying.publish('com.ha.to-moving', [`after-${++sent}`], { acknowledge: true });
        return toMoving.some((event) => String(event).startsWith('after-'));
      }, poll)
      .toBe(true);
    await expect
      .poll(async () => {
        await callerOnMoving.publish('com.ha.to-staying', [`after-${++sent}`], { acknowledge: true });
        return toStaying.some((event) => String(event).startsWith('after-'));
      }, poll)
      .toBe(true);
    // A registration made after the failover reaches the registry and is callable from the other node.
    await onMoving.register('com.ha.moving.late', () => 'late');
    expect(await callerOnStaying.call('com.ha.moving.late')).toBe('late');
    const recoveredAfterMs = Date.now() - killedAt;
    expect(recoveredAfterMs).toBeLessThan(RECOVERY_TIMEOUT_MS);
    console.info(
      `cluster HA: NATS server ${letters.get(victim)} killed, ${movingName} moved to ${letters.get(movedTo)} and routed ` +
        `both ways again after ${recoveredAfterMs} ms`,
    );
  }, 60_000);
});
