// The info lines of session joins and leaves: their fields, why each session ended, no secret in any of them,
// and one summary instead of a flood when many sessions join at once.
import { ErrorUri, hello, MessageCode } from '@wamp/protocol';
import { jsonSerializer } from '@wamp/protocol/json';
import { describe, expect, it } from 'vitest';
import { SESSION_LINES_PER_WINDOW } from '../src/core/session-log.js';
import { capturingLogger } from './support/capturing-logger.js';
import { startRouter } from './support/fixture.js';

const TICKET = 'correct horse battery staple';

describe('session log', () => {
  it('writes one info line per join and per leave, with who, where, how long and why', async () => {
    const log = capturingLogger();
    await using fixture = await startRouter({ logger: log });
    const peer = await fixture.connect(jsonSerializer);
    const welcome = await peer.join();
    const [joined] = log.at('info', 'session joined');
    expect(joined?.fields).toEqual({
      realm: 'realm1',
      session: welcome[1],
      authid: expect.any(String),
      authrole: 'anonymous',
      authmethod: 'anonymous',
      transport: 'wamp.2.json',
      peer: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
    });
    peer.send([MessageCode.GOODBYE, {}, 'wamp.close.close_realm']);
    expect((await peer.next())[0]).toBe(MessageCode.GOODBYE);
    const [left] = log.at('info', 'session left');
    expect(left?.fields).toMatchObject({
      realm: 'realm1',
      session: welcome[1],
      authid: joined?.fields.authid,
      transport: 'wamp.2.json',
      peer: joined?.fields.peer,
      durationMs: expect.any(Number),
      reason: 'wamp.close.close_realm',
    });
    expect(left?.fields.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('says why a session ended: an ABORT from the client, a dropped connection, a protocol violation', async () => {
    const log = capturingLogger();
    await using fixture = await startRouter({ logger: log });
    const aborting = await fixture.connect(jsonSerializer);
    await aborting.join();
    aborting.send([MessageCode.ABORT, {}, 'com.example.giving_up']);
    const dropping = await fixture.connect(jsonSerializer);
    await dropping.join();
    dropping.transport.terminate();
    const violating = await fixture.connect(jsonSerializer);
    await violating.join();
    violating.send([MessageCode.WELCOME, 1, {}]);
    await expect.poll(() => log.at('info', 'session left').length).toBe(3);
    const reasons = log.at('info', 'session left').map((line) => [line.fields.session, line.fields.reason]);
    expect(reasons).toEqual(
      expect.arrayContaining([
        [aborting.sessionId, 'com.example.giving_up'],
        [dropping.sessionId, 'connection closed with 1006'],
        [violating.sessionId, ErrorUri.PROTOCOL_VIOLATION],
      ]),
    );
  });

  it('never logs the ticket a session authenticated with', async () => {
    const log = capturingLogger();
    await using fixture = await startRouter({
      logger: log,
      auth: { realm1: { ticket: { alice: { role: 'user', ticket: TICKET } } } },
    });
    const peer = await fixture.connect(jsonSerializer);
    peer.send(hello('realm1', { roles: { caller: {} }, authmethods: ['ticket'], authid: 'alice' }));
    expect((await peer.next())[0]).toBe(MessageCode.CHALLENGE);
    peer.send([MessageCode.AUTHENTICATE, TICKET, {}]);
    expect((await peer.next())[0]).toBe(MessageCode.WELCOME);
    peer.transport.terminate();
    await expect.poll(() => log.at('info', 'session left').length).toBe(1);
    expect(log.at('info', 'session joined')[0]?.fields).toMatchObject({ authid: 'alice', authmethod: 'ticket' });
    expect(JSON.stringify(log.lines)).not.toContain(TICKET);
  });

  it('counts the joins past its budget of lines a second and writes them as one summary', async () => {
    const log = capturingLogger();
    await using fixture = await startRouter({ logger: log });
    const count = SESSION_LINES_PER_WINDOW * 3;
    await Promise.all(Array.from({ length: count }, () => fixture.local().join()));
    const lines = log.at('info', 'session joined').length;
    expect(lines).toBeGreaterThanOrEqual(SESSION_LINES_PER_WINDOW);
    // The joins may straddle the end of a window, which starts a new budget.
    expect(lines).toBeLessThanOrEqual(2 * SESSION_LINES_PER_WINDOW);
    await expect.poll(() => log.at('info', 'the rest, counted').length, { timeout: 3_000 }).toBeGreaterThan(0);
    const summarized = log
      .at('info', 'the rest, counted')
      .reduce((sum, line) => sum + (line.fields.joins as number), 0);
    expect(lines + summarized).toBe(count);
  });
});
