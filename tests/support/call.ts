import { call, hello, MessageCode, parseMessage, register, yieldResult } from '@wamp/protocol';
import { jsonSerializer } from '@wamp/protocol/json';
import { connect } from '@wamp/transport/node';

type ConnectOptions = Parameters<typeof connect>[1];

/** Opens a raw JSON session on `url`, resolving with a function that awaits the next message. */
async function rawSession(url: string, options: Partial<ConnectOptions> = {}) {
  const transport = await connect(url, { serializers: [jsonSerializer], ...options });
  const inbox: unknown[][] = [];
  const waiting: ((message: unknown[]) => void)[] = [];
  transport.onmessage = (raw) => {
    const message = parseMessage(raw) as unknown[];
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else inbox.push(message);
  };
  const next = () =>
    new Promise<unknown[]>((resolve, reject) => {
      const queued = inbox.shift();
      if (queued) return resolve(queued);
      const timer = setTimeout(() => reject(new Error('no message within 5 s')), 5_000);
      waiting.push((message) => {
        clearTimeout(timer);
        resolve(message);
      });
    });
  transport.send(hello('realm1', { roles: { caller: {}, callee: {} } }));
  const welcome = await next();
  if (welcome[0] !== MessageCode.WELCOME) throw new Error(`expected WELCOME, got ${JSON.stringify(welcome)}`);
  return { transport, next };
}

/**
 * Proves a router works end to end: one session registers `com.check.add`, another calls it, and the sum
 * comes back. Returns the result's args.
 */
export async function roundTrip(url: string, options: Partial<ConnectOptions> = {}): Promise<unknown[]> {
  const callee = await rawSession(url, options);
  const caller = await rawSession(url, options);
  try {
    callee.transport.send(register(1, {}, 'com.check.add'));
    const registered = await callee.next();
    if (registered[0] !== MessageCode.REGISTERED) throw new Error(`REGISTER failed: ${JSON.stringify(registered)}`);
    caller.transport.send(call(1, {}, 'com.check.add', [2, 3]));
    const invocation = await callee.next();
    const [a, b] = invocation[4] as [number, number];
    callee.transport.send(yieldResult(invocation[1] as number, {}, [a + b]));
    const result = await caller.next();
    if (result[0] !== MessageCode.RESULT) throw new Error(`CALL failed: ${JSON.stringify(result)}`);
    return result[3] as unknown[];
  } finally {
    callee.transport.close(1000, '');
    caller.transport.close(1000, '');
  }
}
