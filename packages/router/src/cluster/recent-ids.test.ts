import { describe, expect, it } from 'vitest';
import { RecentIds } from './recent-ids.js';

describe('RecentIds', () => {
  it('reports each ID once within the window, and forgets the oldest beyond it', () => {
    const recent = new RecentIds(3);
    expect([1, 2, 1, 3, 2].map((id) => recent.firstTime(id))).toEqual([true, true, false, true, false]);
    expect(recent.firstTime(4)).toBe(true); // the window is now 2, 3, 4: 1 is forgotten
    expect(recent.firstTime(1)).toBe(true); // 3, 4, 1
    expect(recent.firstTime(3)).toBe(false);
    expect(recent.firstTime(5)).toBe(true); // 4, 1, 5
    expect(recent.firstTime(3)).toBe(true);
    expect(recent.firstTime(5)).toBe(false);
  });
});
