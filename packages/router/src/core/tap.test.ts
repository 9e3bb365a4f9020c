// What the message tap keeps of a message: JSON cut at a width, whatever the payload holds.
import { describe, expect, it } from 'vitest';
import { boundedJson } from './tap.js';

describe('boundedJson', () => {
  it('writes a message as JSON when it fits', () => {
    const message = [48, 1, { disclose_me: true }, 'com.app.add', [1, 2.5, null, 'a"b'], { k: false }];
    expect(boundedJson(message, 256)).toBe(JSON.stringify(message));
  });

  it('cuts at the width and marks the cut, without writing out a long string first', () => {
    const text = boundedJson([16, 1, {}, 'com.app.log', ['x'.repeat(5_000_000)]], 40);
    expect(text).toBe(`[16,1,{},"com.app.log",["${'x'.repeat(15)}…`);
  });

  it('shows binary payloads by size, big integers as numbers and deep nesting as an ellipsis', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 40; i++) deep = [deep];
    const text = boundedJson([16, 2n ** 60n, new Uint8Array(1024), deep, Number.NaN, undefined], 1_000);
    expect(text).toBe(`[16,${2n ** 60n},"<1024 bytes>",${'['.repeat(15)}"…"${']'.repeat(15)},null,null]`);
  });
});
