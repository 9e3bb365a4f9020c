import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jsonSerializer } from '@wamp/protocol/json';
import { connect } from '@wamp/transport/node';
import { describe, expect, it } from 'vitest';
import { createRouter } from '../src/index.js';
import { RawPeer } from './support/raw-peer.js';

describe('router.attach', () => {
  it('serves WAMP on a path of a server the application owns, leaving its other routes alone', async () => {
    const server = createServer((_req, res) => res.end('app route'));
    const router = createRouter();
    router.attach(server, { path: '/wamp' });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const peer = new RawPeer(await connect(`ws://127.0.0.1:${port}/wamp`, { serializers: [jsonSerializer] }));
      expect((await peer.join())[0]).toBe(2);
      const body = await new Promise<string>((resolve) => {
        request({ host: '127.0.0.1', port, path: '/' }, (res) => {
          let text = '';
          res.on('data', (chunk) => {
            text += chunk;
          });
          res.on('end', () => resolve(text));
        }).end();
      });
      expect(body).toBe('app route');
      await expect(connect(`ws://127.0.0.1:${port}/other`, { serializers: [jsonSerializer] })).rejects.toThrow(/404/);
    } finally {
      await router.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('takes an Origin allow-list per path', async () => {
    const server = createServer();
    const router = createRouter({ allowedOrigins: ['https://app.example.com'] });
    router.attach(server, { path: '/app' });
    router.attach(server, { path: '/admin', allowedOrigins: ['https://admin.example.com'] });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const open = (path: string, origin: string) =>
      connect(`ws://127.0.0.1:${port}${path}`, { serializers: [jsonSerializer], headers: { Origin: origin } }).then(
        (transport) => {
          transport.close();
          return 'open';
        },
        (error: Error) => (error.message.includes('403') ? 'forbidden' : error.message),
      );
    try {
      expect(await open('/app', 'https://app.example.com')).toBe('open');
      expect(await open('/app', 'https://admin.example.com')).toBe('forbidden');
      expect(await open('/admin', 'https://admin.example.com')).toBe('open');
      expect(await open('/admin', 'https://app.example.com')).toBe('forbidden');
    } finally {
      await router.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
