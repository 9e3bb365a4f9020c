// Child process: the ceiling. A raw ws server that passes frames between the same peers without parsing them,
// routing by the role each peer gave in its URL, with writes corked per tick.
import type { Socket } from 'node:net';
import type WebSocket from 'ws';
import { WebSocketServer } from 'ws';

const server = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  perMessageDeflate: false,
  clientTracking: false,
  handleProtocols: (offered: Set<string>) => offered.values().next().value ?? false,
});

let callee: WebSocket | undefined;
/** Callers in the order their frames went to the callee, who answers in that order. */
const pendingCallers: WebSocket[] = [];
const subscribers: WebSocket[] = [];
const corked = new Set<Socket>();

function uncorkAll(): void {
  for (const socket of corked) socket.uncork();
  corked.clear();
}

function forward(target: WebSocket, data: Buffer, binary: boolean): void {
  const tcp = (target as unknown as { _socket: Socket })._socket;
  if (!corked.has(tcp)) {
    if (corked.size === 0) setImmediate(uncorkAll);
    tcp.cork();
    corked.add(tcp);
  }
  target.send(data, { binary });
}

server.on('connection', (socket, request) => {
  const role = new URL(request.url ?? '/', 'http://x').searchParams.get('role');
  let joined = false;
  if (role === 'callee') callee = socket;
  if (role === 'subscriber') subscribers.push(socket);
  socket.on('message', (data: Buffer, binary: boolean) => {
    if (!joined) {
      // The peer's HELLO comes back as its "WELCOME".
      joined = true;
      socket.send(data, { binary });
      return;
    }
    if (role === 'caller' && callee !== undefined) {
      pendingCallers.push(socket);
      forward(callee, data, binary);
    } else if (role === 'callee') {
      const caller = pendingCallers.shift();
      if (caller !== undefined) forward(caller, data, binary);
    } else if (role === 'publisher') {
      for (const subscriber of subscribers) forward(subscriber, data, binary);
    }
  });
  socket.on('close', () => {
    const index = subscribers.indexOf(socket);
    if (index !== -1) subscribers.splice(index, 1);
  });
});

server.on('listening', () => {
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
