// WAMP-Cryptosign with TLS channel binding (`tls-unique`) over wss:// with a certificate made in the test: the
// signature is over the challenge XORed with SHA-256 of the connection's first Finished message, so it is worth
// nothing on another connection, and each side refuses what does not match.
import { sign } from 'node:crypto';
import { cryptosignAuth, generateCryptosignKeyPair, Session } from '@wamp/client';
import { jsonSerializer } from '@wamp/protocol/json';
import { createRouter, type Router } from '@wamp/router';
import { connect } from '@wamp/transport/node';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let router: Router;
let plainRouter: Router;
let wssUrl: string;
let wsUrl: string;
let ca: string;
let kim: { privateKey: string; publicKey: string };

beforeAll(async () => {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    notAfterDate: new Date(Date.now() + 86_400_000),
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  ca = pems.cert;
  kim = await generateCryptosignKeyPair();
  const auth = { bound: { cryptosign: { kim: { role: 'device', pubkey: kim.publicKey } } } };
  router = createRouter({ realms: ['bound'], auth });
  ({ url: wssUrl } = await router.listen({ host: '127.0.0.1', port: 0, tls: { cert: pems.cert, key: pems.private } }));
  plainRouter = createRouter({ realms: ['bound'], auth });
  ({ url: wsUrl } = await plainRouter.listen({ host: '127.0.0.1', port: 0 }));
});

afterAll(async () => {
  await router.close();
  await plainRouter.close();
});

const overTls = () => connect(wssUrl, { serializers: [jsonSerializer], tls: { ca } });

describe('cryptosign with tls-unique channel binding', () => {
  it('joins when the signature is bound to this TLS connection', async () => {
    const session = await Session.connect({
      realm: 'bound',
      transport: overTls,
      auth: await cryptosignAuth(kim.privateKey, 'kim', { channelBinding: 'tls-unique' }),
      reconnect: false,
    });
    expect(session.welcome).toMatchObject({ authid: 'kim', authrole: 'device', authmethod: 'cryptosign' });
    await session.close();
  });

  it('refuses a signature of the bare challenge once binding was asked for', async () => {
    const bound = await cryptosignAuth(kim.privateKey, 'kim', { channelBinding: 'tls-unique' });
    const seed = Buffer.from(kim.privateKey, 'hex');
    const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
    const seen: unknown[] = [];
    await expect(
      Session.connect({
        realm: 'bound',
        transport: overTls,
        reconnect: false,
        auth: {
          ...bound,
          onChallenge: ({ extra }) => {
            seen.push(extra.channel_binding);
            const challenge = Buffer.from(String(extra.challenge), 'hex');
            const signature = sign(null, challenge, { key: pkcs8, format: 'der', type: 'pkcs8' });
            return signature.toString('hex') + challenge.toString('hex');
          },
        },
      }),
    ).rejects.toMatchObject({ uri: 'wamp.error.authentication_failed' });
    expect(seen).toEqual(['tls-unique']);
  });

  it('leaves the join to the client where there is no TLS: the router does not confirm, the client refuses', async () => {
    await expect(
      Session.connect({
        url: wsUrl,
        realm: 'bound',
        auth: await cryptosignAuth(kim.privateKey, 'kim', { channelBinding: 'tls-unique' }),
        reconnect: false,
      }),
    ).rejects.toThrow('the router did not confirm tls-unique channel binding');
    // Unbound, the same key joins over plain ws://.
    const session = await Session.connect({
      url: wsUrl,
      realm: 'bound',
      auth: await cryptosignAuth(kim.privateKey, 'kim'),
      reconnect: false,
    });
    expect(session.welcome).toMatchObject({ authid: 'kim', authmethod: 'cryptosign' });
    await session.close();
  });
});
