// Child process: the RawSocket ceiling. A bare TCP server that answers the 4-octet handshake, then passes whole
// RawSocket frames (prefix and payload, never decoded) between the same peers as the ws forwarder does, writing each
// socket's frames once per tick. A peer names its role in its HELLO's realm (`role.callee`): the first frame is
// searched for that marker as bytes, which reads the same in JSON, MessagePack and CBOR.
import { createServer, type Socket } from 'node:net';

let callee: Socket | undefined;
/** Callers in the order their frames went to the callee, who answers in that order. */
const pendingCallers: Socket[] = [];
const subscribers: Socket[] = [];
const queued = new Map<Socket, Buffer[]>();
const ROLES = ['callee', 'caller', 'subscriber', 'publisher', 'joiner'];

function flushAll(): void {
  for (const [socket, frames] of queued) socket.write(frames.length === 1 ? frames[0]! : Buffer.concat(frames));
  queued.clear();
}

function forward(target: Socket, frame: Buffer): void {
  const frames = queued.get(target);
  if (frames !== undefined) frames.push(frame);
  else {
    if (queued.size === 0) setImmediate(flushAll);
    queued.set(target, [frame]);
  }
}

function roleOf(hello: Buffer): string {
  return ROLES.find((role) => hello.includes(`role.${role}`)) ?? 'joiner';
}

const server = createServer({ noDelay: true }, (socket) => {
  let handshaken = false;
  let role = '';
  let rest: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    let data = rest.length === 0 ? chunk : Buffer.concat([rest, chunk]);
    if (!handshaken) {
      if (data.length < 4) {
        rest = data;
        return;
      }
      handshaken = true;
      // Echo the serializer, announce 16 MiB.
      socket.write(Buffer.from([0x7f, 0xf0 | (data[1]! & 0x0f), 0, 0]));
      data = data.subarray(4);
    }
    let at = 0;
    while (data.length - at >= 4) {
      const end = at + 4 + (data.readUInt32BE(at) & 0xffffff);
      if (end > data.length) break;
      // Copied: `data` may be a chunk of a pooled read buffer, and the frame waits for the end of the tick.
      const frame = Buffer.from(data.subarray(at, end));
      at = end;
      if (role === '') {
        // The peer's HELLO comes back as its "WELCOME".
        role = roleOf(frame);
        if (role === 'callee') callee = socket;
        if (role === 'subscriber') subscribers.push(socket);
        forward(socket, frame);
      } else if (role === 'caller' && callee !== undefined) {
        pendingCallers.push(socket);
        forward(callee, frame);
      } else if (role === 'callee') {
        const caller = pendingCallers.shift();
        if (caller !== undefined) forward(caller, frame);
      } else if (role === 'publisher') {
        for (const subscriber of subscribers) forward(subscriber, frame);
      }
    }
    rest = at === data.length ? Buffer.alloc(0) : Buffer.from(data.subarray(at));
  });
  socket.on('error', () => socket.destroy());
  socket.on('close', () => {
    queued.delete(socket);
    const index = subscribers.indexOf(socket);
    if (index !== -1) subscribers.splice(index, 1);
  });
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.connected &&
    process.send?.({ type: 'ready', port: typeof address === 'object' && address !== null ? address.port : 0 });
});
process.on('message', (message: { type: string }) => {
  if (message.type === 'gc') {
    globalThis.gc?.();
    process.connected && process.send?.({ type: 'gc-done' });
  }
});
process.on('disconnect', () => process.exit(0));
