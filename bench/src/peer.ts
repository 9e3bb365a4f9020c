// Child process: lean WAMP peers for one role. Usage: peer.js ROLE URL SERIALIZER TARGET [COUNT]
// It reports to the parent over IPC and follows its 'go', 'mark', 'credit' and 'stop' messages.
import { call, MessageCode, publish, register, subscribe, yieldResult } from '@wamp/protocol';
import { SERIALIZERS, type SerializerName, type Target, Wire } from './wire.js';

const [role, url, serializerName, target, countArgument] = process.argv.slice(2) as [
  string,
  string,
  SerializerName,
  Target,
  string | undefined,
];
const serializer = SERIALIZERS[serializerName];
const count = Number(countArgument ?? 1);
const PROCEDURE = 'bench.echo';
const TOPIC = 'bench.topic';
const IN_FLIGHT = 64;
const AHEAD = 1024;

type Command = { type: 'go' } | { type: 'mark' } | { type: 'credit'; upTo: number } | { type: 'stop' };
const handlers: ((command: Command) => void)[] = [];
process.on('message', (command: Command) => {
  if (command.type === 'stop') process.exit(0);
  for (const handler of handlers) handler(command);
});
process.on('disconnect', () => process.exit(0));
const report = (message: object) => process.connected && process.send?.(message);

async function joined(role: string): Promise<Wire> {
  const wire = await Wire.open(url, serializer, role);
  await wire.join(target);
  return wire;
}

async function callee(): Promise<void> {
  const wire = await joined('callee');
  if (target === 'router') {
    const done = wire.next(MessageCode.REGISTERED);
    wire.send(register(1, {}, PROCEDURE));
    await done;
  }
  // INVOCATION [68, id, registration, details, args] from the router; CALL [48, id, options, uri, args] from
  // the forwarder. Both answer with YIELD carrying the request ID.
  wire.onMessage = (message) => {
    wire.send(yieldResult(message[1] as number, {}, message[4] as unknown[]));
  };
  report({ type: 'ready' });
}

async function callers(): Promise<void> {
  const wires = await Promise.all(Array.from({ length: count }, () => joined('caller')));
  let completed = 0;
  const args = [1, 'twenty-two bytes of data'];
  for (const wire of wires) {
    let request = 0;
    wire.onMessage = (message) => {
      if (message[0] !== MessageCode.RESULT && message[0] !== MessageCode.YIELD) return;
      completed++;
      wire.send(call(++request, {}, PROCEDURE, args));
    };
    handlers.push((command) => {
      if (command.type !== 'go') return;
      for (let i = 0; i < IN_FLIGHT; i++) wire.send(call(++request, {}, PROCEDURE, args));
    });
  }
  handlers.push((command) => {
    if (command.type === 'mark') report({ type: 'mark', completed });
  });
  report({ type: 'ready' });
}

/** One caller at a fixed rate (COUNT calls a second, sent in slices every 10 ms), whatever the answers' pace. */
async function pacedCaller(): Promise<void> {
  const wire = await joined('caller');
  const perSlice = Math.max(1, Math.round(count / 100));
  const args = [1, 'twenty-two bytes of data'];
  let request = 0;
  let completed = 0;
  wire.onMessage = (message) => {
    if (message[0] === MessageCode.RESULT || message[0] === MessageCode.YIELD) completed++;
  };
  const slice = () => {
    // Never more than a second's calls unanswered: a server that falls behind is not buried.
    for (let i = 0; i < perSlice && request - completed < count; i++) wire.send(call(++request, {}, PROCEDURE, args));
  };
  handlers.push((command) => {
    if (command.type === 'go') setInterval(slice, 10);
    if (command.type === 'mark') report({ type: 'mark', completed });
  });
  report({ type: 'ready' });
}

async function latency(): Promise<void> {
  const wire = await joined('caller');
  const samples: number[] = [];
  let recording = false;
  let request = 0;
  let sentAt = 0n;
  const args = [1, 'twenty-two bytes of data'];
  const next = () => {
    sentAt = process.hrtime.bigint();
    wire.send(call(++request, {}, PROCEDURE, args));
  };
  wire.onMessage = (message) => {
    if (message[0] !== MessageCode.RESULT && message[0] !== MessageCode.YIELD) return;
    if (recording && samples.length < 1_000_000) samples.push(Number(process.hrtime.bigint() - sentAt) / 1000);
    next();
  };
  handlers.push((command) => {
    if (command.type === 'go') next();
    if (command.type !== 'mark') return;
    if (!recording) {
      recording = true;
      report({ type: 'mark', completed: 0 });
      return;
    }
    recording = false;
    samples.sort((a, b) => a - b);
    const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? 0;
    report({ type: 'mark', completed: samples.length, p50: at(0.5), p99: at(0.99) });
  });
  report({ type: 'ready' });
}

async function subscribers(): Promise<void> {
  const wires = await Promise.all(Array.from({ length: count }, () => joined('subscriber')));
  const received = new Array<number>(count).fill(0);
  let lost = 0;
  let reported = 0;
  wires.forEach((wire, index) => {
    wire.onMessage = (message) => {
      // EVENT [36, sub, pub, details, [seq]] from the router; PUBLISH [16, req, options, topic, [seq]] from the forwarder.
      const sequence = (message[4] as number[])[0]!;
      const expected = received[index]! + 1;
      if (sequence !== expected) lost += sequence - expected;
      received[index] = sequence;
      if (sequence - reported >= 32) {
        let slowest = sequence;
        for (const value of received) if (value < slowest) slowest = value;
        if (slowest - reported >= 32) {
          reported = slowest;
          report({ type: 'progress', slowest });
        }
      }
    };
  });
  if (target === 'router') {
    await Promise.all(
      wires.map((wire) => {
        const done = wire.next(MessageCode.SUBSCRIBED);
        wire.send(subscribe(1, {}, TOPIC));
        return done;
      }),
    );
  }
  handlers.push((command) => {
    if (command.type !== 'mark') return;
    let slowest = Number.POSITIVE_INFINITY;
    for (const value of received) if (value < slowest) slowest = value;
    report({ type: 'mark', completed: slowest * count, lost });
  });
  report({ type: 'ready' });
}

/** Publishes as fast as the slowest subscriber allows, or with COUNT given, at most COUNT publications a second. */
async function publisher(): Promise<void> {
  const wire = await joined('publisher');
  const rate = countArgument === undefined ? 0 : count;
  let published = 0;
  let allowed = AHEAD;
  let paced = rate === 0 ? Number.POSITIVE_INFINITY : 0;
  const pump = () => {
    while (published < allowed && published < paced) {
      published++;
      wire.send(publish(published, {}, TOPIC, [published, 'twenty-two bytes of data']));
    }
  };
  const perSlice = Math.max(1, Math.round(rate / 100));
  handlers.push((command) => {
    if (command.type === 'go' && rate > 0) {
      setInterval(() => {
        paced = Math.min(paced + perSlice, published + rate);
        pump();
      }, 10);
    }
    if (command.type === 'go') pump();
    if (command.type === 'credit') {
      allowed = command.upTo + AHEAD;
      pump();
    }
    if (command.type === 'mark') report({ type: 'mark', completed: published });
  });
  report({ type: 'ready' });
}

async function connections(): Promise<void> {
  const started = process.hrtime.bigint();
  const wires: Wire[] = [];
  const CONCURRENCY = 64;
  let opened = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (opened < count) {
        opened++;
        wires.push(await joined('joiner'));
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  report({ type: 'ready', joined: wires.length, seconds });
}

const roles: Record<string, () => Promise<void>> = {
  callee,
  callers,
  paced: pacedCaller,
  latency,
  subscribers,
  publisher,
  connections,
};
await roles[role]!();
