// The operator dashboard over real sockets: off by default; its HTTP guard (origin 403, token 401, page 200); the
// metrics it turns on; its token's WAMP login on any realm; the admin-role path; and the router.* procedures that
// only admins reach.
import { request as httpRequest } from 'node:http';
import { authenticate, call, ErrorUri, hello, type Message, MessageCode, register } from '@wamp/protocol';
import { jsonSerializer } from '@wamp/protocol/json';
import { connect } from '@wamp/transport/node';
import { describe, expect, it } from 'vitest';
import { createRouter, RouterError } from '../src/index.js';
import { startRouter } from './support/fixture.js';
import { RawPeer } from './support/raw-peer.js';

const TOKEN = 'a-dashboard-token-for-tests-only';
const ROLES = { caller: {}, callee: {}, subscriber: {}, publisher: {} };

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** `GET path` on the router's port with `headers` (Origin included: node:http sends what it is given). */
function get(wsUrl: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const { hostname, port } = new URL(wsUrl);
  return new Promise((resolve, reject) => {
    // The path goes as written, dot segments included: a URL would resolve them first.
    const request = httpRequest({ hostname, port, path, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
    });
    request.on('error', reject).end();
  });
}

/** Joins `realm` as the dashboard's page does: ticket login as router.dashboard with `token`. */
async function dashboardLogin(peer: RawPeer, token: string, realm = 'realm1'): Promise<Message> {
  peer.send(hello(realm, { roles: ROLES, authmethods: ['ticket'], authid: 'router.dashboard' }));
  const challenge = await peer.next();
  expect(challenge[0]).toBe(MessageCode.CHALLENGE);
  expect(challenge[1]).toBe('ticket');
  peer.send(authenticate(token, {}));
  const answer = await peer.next(5_000);
  if (answer[0] === MessageCode.WELCOME) peer.sessionId = answer[1] as number;
  return answer;
}

describe('the dashboard', () => {
  it('is off by default: no page, no router.* procedures, the namespace still the router’s', async () => {
    await using fixture = await startRouter();
    expect((await get(fixture.url, '/dashboard/')).status).toBe(426);
    expect(fixture.router.options.metrics).toBeNull();
    const client = await fixture.connect(jsonSerializer);
    await client.join();
    client.send(call(1, {}, 'router.realm.list'));
    expect((await client.next())[4]).toBe(ErrorUri.NO_SUCH_PROCEDURE);
    client.send(register(2, {}, 'router.realm.list'));
    expect((await client.next())[4]).toBe(ErrorUri.INVALID_URI);
  });

  it('refuses a foreign origin with 403 and a missing or wrong token with 401, and serves the page for the token', async () => {
    await using fixture = await startRouter({ dashboard: { token: TOKEN } });
    const { url } = fixture;
    const port = new URL(url).port;
    const own = `http://127.0.0.1:${port}`;

    const foreign = await get(url, `/dashboard/?token=${TOKEN}`, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toContain('dashboard.allowedOrigins');
    const missing = await get(url, '/dashboard/');
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="wamp-router dashboard"');
    expect((await get(url, '/dashboard/?token=wrong-token-of-enough-length')).status).toBe(401);
    expect((await get(url, '/dashboard/config.json')).status).toBe(401);
    expect((await get(url, '/dashboard/metrics')).status).toBe(401);

    const page = await get(url, `/dashboard/?token=${TOKEN}`, { origin: own });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.body).toContain('<title>wamp-router dashboard</title>');
    expect((await get(url, '/dashboard/', { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    const redirect = await get(url, `/dashboard?token=${TOKEN}`);
    expect(redirect.status).toBe(308);
    expect(redirect.headers.location).toBe(`/dashboard/?token=${TOKEN}`);

    // The page's scripts and styles are public (the package ships them), but not to a foreign origin.
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(page.body)![1]!;
    const asset = await get(url, `/dashboard/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get(url, `/dashboard/${script}`, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await get(url, `/dashboard/assets/../../package.json`)).status).toBe(404);

    const config = await get(url, '/dashboard/config.json', { authorization: `Bearer ${TOKEN}` });
    expect(JSON.parse(config.body)).toEqual({
      webSocketPath: '/ws',
      metricsPath: '/dashboard/metrics',
      realm: 'realm1',
      token: true,
      adminRoles: false,
    });
  });

  it('turns the metrics on and serves them to the page behind its guard', async () => {
    await using fixture = await startRouter({ dashboard: { token: TOKEN } });
    expect(fixture.router.options.metrics).toMatchObject({ where: 'router' });
    const metrics = await get(fixture.url, '/dashboard/metrics', { authorization: `Bearer ${TOKEN}` });
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('wamp_router_messages_received_total');
    expect((await get(fixture.url, '/metrics')).status).toBe(200);
  });

  it('logs the page’s session in with the token on any realm, even one with its own authentication', async () => {
    await using fixture = await startRouter({
      dashboard: { token: TOKEN },
      realms: ['realm1', 'secure'],
      auth: { secure: { ticket: { alice: { role: 'user', ticket: 'alice-ticket' } } } },
    });
    const page = await fixture.connect(jsonSerializer);
    const welcome = await dashboardLogin(page, TOKEN, 'secure');
    expect(welcome[0]).toBe(MessageCode.WELCOME);
    expect(welcome[2]).toMatchObject({
      authid: 'router.dashboard',
      authrole: 'router.dashboard',
      authmethod: 'ticket',
    });
    page.send(call(1, {}, 'router.realm.list'));
    const realms = await page.next();
    expect(realms[0]).toBe(MessageCode.RESULT);
    expect((realms[3] as unknown[])[0]).toEqual([
      { realm: 'realm1', sessions: 0, registrations: 0, subscriptions: 0 },
      { realm: 'secure', sessions: 1, registrations: 0, subscriptions: 0 },
    ]);
    page.send(call(2, {}, 'wamp.session.list'));
    expect((await page.next())[3]).toEqual([[page.sessionId]]);

    const guesser = await fixture.connect(jsonSerializer);
    const refused = await dashboardLogin(guesser, 'not-the-token-at-all');
    expect(refused[0]).toBe(MessageCode.ABORT);
    expect(refused[2]).toBe(ErrorUri.AUTHENTICATION_FAILED);
  });

  it('keeps router.* from every session but the admins', async () => {
    await using fixture = await startRouter({ dashboard: { token: TOKEN } });
    const client = await fixture.connect(jsonSerializer);
    await client.join();
    for (const [request, procedure] of ['router.realm.list', 'router.session.stats', 'router.tap.start'].entries()) {
      client.send(call(request + 1, {}, procedure, [client.sessionId]));
      expect((await client.next())[4]).toBe(ErrorUri.NOT_AUTHORIZED);
    }
    client.send(register(9, {}, 'router.session.stats'));
    expect((await client.next())[4]).toBe(ErrorUri.INVALID_URI);
  });

  it('refuses the token’s login from a browser of an origin the dashboard does not allow', async () => {
    await using fixture = await startRouter({
      dashboard: { token: TOKEN, allowedOrigins: ['https://ops.example.com'] },
    });
    const open = async (origin: string) =>
      new RawPeer(await connect(fixture.url, { serializers: [jsonSerializer], headers: { origin } }));
    expect((await dashboardLogin(await open('https://evil.example'), TOKEN))[0]).toBe(MessageCode.ABORT);
    expect((await dashboardLogin(await open('https://ops.example.com'), TOKEN))[0]).toBe(MessageCode.WELCOME);
    expect((await get(fixture.url, `/dashboard/?token=${TOKEN}`, { origin: 'https://ops.example.com' })).status).toBe(
      200,
    );
  });

  it('lets sessions of an admin role in without a token, and then has none to guess', async () => {
    await using fixture = await startRouter({
      dashboard: { adminRoles: ['ops'] },
      auth: { realm1: { ticket: { olga: { role: 'ops', ticket: 'olga-ticket' } }, anonymous: { role: 'guest' } } },
    });
    expect(fixture.router.options.dashboard!.token).toBeNull();
    const page = await get(fixture.url, '/dashboard/');
    expect(page.status).toBe(200);
    expect(JSON.parse((await get(fixture.url, '/dashboard/config.json')).body)).toMatchObject({
      token: false,
      adminRoles: true,
    });
    const olga = await fixture.connect(jsonSerializer);
    olga.send(hello('realm1', { roles: ROLES, authmethods: ['ticket'], authid: 'olga' }));
    expect((await olga.next())[0]).toBe(MessageCode.CHALLENGE);
    olga.send(authenticate('olga-ticket', {}));
    expect((await olga.next())[0]).toBe(MessageCode.WELCOME);
    olga.send(call(1, {}, 'router.session.stats'));
    const stats = await olga.next();
    expect(stats[0]).toBe(MessageCode.RESULT);
    expect((stats[3] as unknown[][])[0]).toHaveLength(1);
    const guest = await fixture.connect(jsonSerializer);
    await guest.join();
    guest.send(call(1, {}, 'router.session.stats'));
    expect((await guest.next())[4]).toBe(ErrorUri.NOT_AUTHORIZED);
    // Without a token, router.dashboard is a name like any other for the realm's own authentication.
    const pretender = await fixture.connect(jsonSerializer);
    expect((await dashboardLogin(pretender, TOKEN))[0]).toBe(MessageCode.ABORT);
  });

  it('makes a token when given none, and never shows a bad one in its error', () => {
    const made = createRouter({ dashboard: true });
    expect(made.options.dashboard).toMatchObject({ tokenGenerated: true, adminRoles: ['router.dashboard'] });
    expect(made.options.dashboard!.token!.length).toBeGreaterThanOrEqual(32);
    void made.close();
    const short = 'tiny-secret';
    let failure: unknown;
    try {
      createRouter({ dashboard: { token: short } });
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(RouterError);
    expect((failure as Error).message).toContain('dashboard.token');
    expect((failure as Error).message).not.toContain(short);
    expect(() => createRouter({ dashboard: { tapMessages: 0 } })).toThrow(/dashboard\.tapMessages/);
  });
});
