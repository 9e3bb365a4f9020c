// The testament meta procedures, on a router core over memory pairs: what a session leaves is published when it
// is lost, scope by scope.
import { ErrorUri, MessageCode, subscribe } from '@wamp/protocol';
import { describe, expect, it } from 'vitest';
import { callMeta, startCore } from '../../../test/support/core-router.js';

const TOPIC = 'com.last.words';

async function watching() {
  const fixture = startCore();
  const watcher = await fixture.joined();
  watcher.send(subscribe(1, {}, TOPIC));
  expect((await watcher.next())[0]).toBe(MessageCode.SUBSCRIBED);
  return { fixture, watcher, client: await fixture.joined() };
}

async function add(peer: Awaited<ReturnType<typeof watching>>['client'], word: string, scope?: string) {
  const answer = await callMeta(peer, 'wamp.session.add_testament', [TOPIC, [word]], scope ? { scope } : {});
  expect(answer[0], JSON.stringify(answer)).toBe(MessageCode.RESULT);
}

describe('testament procedures', () => {
  it('publish the detached scope first, then the destroyed one, each in the order added', async () => {
    const { fixture, watcher, client } = await watching();
    using _ = fixture;
    await add(client, 'first');
    await add(client, 'second', 'detached');
    await add(client, 'third', 'destroyed');
    client.transport.terminate();
    const words = [];
    for (let i = 0; i < 3; i++) words.push(((await watcher.next())[4] as string[])[0]);
    expect(words).toEqual(['second', 'first', 'third']);
  });

  it('flush only the scope asked for', async () => {
    const { fixture, watcher, client } = await watching();
    using _ = fixture;
    await add(client, 'kept');
    await add(client, 'flushed', 'detached');
    expect((await callMeta(client, 'wamp.session.flush_testaments', [], { scope: 'detached' }))[0]).toBe(
      MessageCode.RESULT,
    );
    client.transport.terminate();
    // A detached testament would have come first.
    expect((await watcher.next())[4]).toEqual(['kept']);
  });

  it('refuse a scope the spec does not define, keeping nothing', async () => {
    const { fixture, watcher, client } = await watching();
    using _ = fixture;
    const refused = await callMeta(client, 'wamp.session.add_testament', [TOPIC, ['lost']], { scope: 'forever' });
    expect(refused.slice(0, 5)).toEqual([MessageCode.ERROR, MessageCode.CALL, 1, {}, ErrorUri.INVALID_ARGUMENT]);
    await add(client, 'only');
    client.transport.terminate();
    expect((await watcher.next())[4]).toEqual(['only']);
  });
});
