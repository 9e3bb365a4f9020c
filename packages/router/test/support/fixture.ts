import type { Serializer } from '@wamp/protocol';
import { connect } from '@wamp/transport/node';
import { createRouter, type Router, type RouterOptions } from '../../src/index.js';
import { RawPeer } from './raw-peer.js';

export { grantEverything } from './grants.js';

/** A router listening on 127.0.0.1 with a free port, and raw peers on it; disposed with `await using`. */
export interface RouterFixture extends AsyncDisposable {
  router: Router;
  url: string;
  /** A raw peer over a real WebSocket, speaking `serializer`. */
  connect(serializer: Serializer): Promise<RawPeer>;
  /** A raw peer over an in-process memory transport. */
  local(): RawPeer;
}

export async function startRouter(options: RouterOptions = {}): Promise<RouterFixture> {
  const router = createRouter(options);
  const { url } = await router.listen({ host: '127.0.0.1', port: 0 });
  const peers: RawPeer[] = [];
  return {
    router,
    url,
    async connect(serializer) {
      const peer = new RawPeer(await connect(url, { serializers: [serializer] }));
      peers.push(peer);
      return peer;
    },
    local() {
      const peer = new RawPeer(router.createLocalTransport());
      peers.push(peer);
      return peer;
    },
    async [Symbol.asyncDispose]() {
      for (const peer of peers) peer.transport.terminate();
      await router.close();
    },
  };
}
