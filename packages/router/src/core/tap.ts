// The dashboard's message tap: the last messages in and out of a session an admin watches, each cut to a few
// hundred characters of JSON, in a ring of fixed size; and the router-wide table of taps, bounded too. A session
// nobody taps has `tap === null`, and its read and send paths do nothing more than check it.
import { ErrorUri, type Message, messageName, WampError } from '@wamp/protocol';
import { LIMIT_REACHED } from './limits.js';
import type { RouterSession } from './session.js';

/** How far the taps go: their number, their length and the width of what they keep of each message. */
export interface TapLimits {
  /** Sessions tapped at once, router-wide. */
  maxTappedSessions: number;
  /** Messages a tap keeps: the last ones. */
  tapMessages: number;
  /** Characters of each message's JSON a tap keeps. */
  tapPayloadChars: number;
}

/** One message a tap saw. */
export interface TappedMessage {
  /** 1 for the tap's first message, then one more for each: a reader asks for those after the last it saw. */
  seq: number;
  /** When the router read or sent it (`Date.now()` time). */
  at: number;
  direction: 'in' | 'out';
  /** The message type, e.g. `CALL`. */
  type: string;
  /** The message as JSON, cut at `tapPayloadChars` (a cut one ends in `…`). */
  text: string;
}

/** Containers nested deeper than this are written as `…`: the tap shows the head of a message, not all of it. */
const MAX_DEPTH = 16;

/** JSON text that stops growing at `max` characters, so a 16 MB payload costs no more to show than a small one. */
class BoundedText {
  text = '';
  cut = false;

  constructor(private readonly max: number) {}

  /** Appends `part`, or as much of it as fits; false once the text is full. */
  add(part: string): boolean {
    const room = this.max - this.text.length;
    if (part.length <= room) {
      this.text += part;
      return true;
    }
    this.text += part.slice(0, room);
    this.cut = true;
    return false;
  }

  /** Room left, for cutting a long string before it is escaped. */
  get room(): number {
    return this.max - this.text.length;
  }
}

function writeValue(value: unknown, out: BoundedText, depth: number): boolean {
  switch (typeof value) {
    case 'string':
      // Cut before escaping: escaping a long string only to drop most of it would cost its whole length.
      return out.add(JSON.stringify(value.length > out.room ? value.slice(0, out.room) : value));
    case 'number':
      return out.add(Number.isFinite(value) ? String(value) : 'null');
    case 'bigint':
      return out.add(String(value));
    case 'boolean':
      return out.add(value ? 'true' : 'false');
    case 'object':
      break;
    default:
      return out.add('null');
  }
  if (value === null) return out.add('null');
  if (ArrayBuffer.isView(value)) return out.add(`"<${value.byteLength} bytes>"`);
  if (depth >= MAX_DEPTH) return out.add('"…"');
  if (Array.isArray(value)) {
    if (!out.add('[')) return false;
    for (let i = 0; i < value.length; i++) {
      if ((i > 0 && !out.add(',')) || !writeValue(value[i], out, depth + 1)) return false;
    }
    return out.add(']');
  }
  if (!out.add('{')) return false;
  let first = true;
  for (const [key, item] of Object.entries(value)) {
    if ((!first && !out.add(',')) || !out.add(`${JSON.stringify(key)}:`) || !writeValue(item, out, depth + 1)) {
      return false;
    }
    first = false;
  }
  return out.add('}');
}

/**
 * A message as JSON of at most `maxChars` characters (then `…`): binary payloads as their size, big integers as
 * numbers, anything nested deeper than 16 levels as `"…"`.
 *
 * @example
 * ```ts
 * boundedJson([48, 1, {}, 'com.app.add', [1, 2]], 16); // '[48,1,{},"com.ap…'
 * ```
 */
export function boundedJson(value: unknown, maxChars: number): string {
  const out = new BoundedText(maxChars);
  writeValue(value, out, 0);
  return out.cut ? `${out.text}…` : out.text;
}

/**
 * The tap on one session: the last `tapMessages` messages it received and was sent, for the admins watching it.
 * It stays readable after the session left (its last messages say why), until its last admin stops it or leaves.
 */
export class SessionTap {
  /** The admins' sessions watching; the tap ends when the last one stops it or leaves. */
  readonly watchers = new Set<RouterSession>();
  /** False once the tapped session left its realm. */
  active = true;
  /** The tapped session's ID, kept: a session that leaves with GOODBYE forgets its own. */
  readonly targetId: number;
  private readonly ring: TappedMessage[] = [];
  private count = 0;

  constructor(
    readonly target: RouterSession,
    private readonly limits: TapLimits,
  ) {
    this.targetId = target.id;
  }

  /** Keeps `message` (its JSON cut short), dropping the oldest once the ring is full. */
  record(direction: 'in' | 'out', message: Message): void {
    const seq = ++this.count;
    const entry: TappedMessage = {
      seq,
      at: Date.now(),
      direction,
      type: messageName(message[0]) ?? String(message[0]),
      text: boundedJson(message, this.limits.tapPayloadChars),
    };
    this.ring[(seq - 1) % this.limits.tapMessages] = entry;
  }

  /** The messages kept with a `seq` above `after`, oldest first. */
  since(after: number): TappedMessage[] {
    const size = this.limits.tapMessages;
    const first = Math.max(after + 1, this.count - size + 1, 1);
    const found: TappedMessage[] = [];
    for (let seq = first; seq <= this.count; seq++) found.push(this.ring[(seq - 1) % size]!);
    return found;
  }
}

/**
 * The router's taps, at most `maxTappedSessions` at once, by tapped session ID. A tap is started and stopped by
 * admins (the `router.tap.*` procedures); it ends by itself when its last watcher leaves.
 *
 * @example
 * ```ts
 * const taps = new Taps({ maxTappedSessions: 4, tapMessages: 100, tapPayloadChars: 256 });
 * taps.start(admin, target);
 * taps.of(target.id)?.since(0); // what target sent and received since
 * ```
 */
export class Taps {
  private readonly taps = new Map<number, SessionTap>();

  constructor(readonly limits: TapLimits) {}

  /** Taps `target` for `watcher` (sharing a tap another admin started); refused past `maxTappedSessions`. */
  start(watcher: RouterSession, target: RouterSession): SessionTap {
    if (target === watcher) {
      throw new WampError(ErrorUri.INVALID_ARGUMENT, [
        'a session cannot tap itself: its reads of the tap would fill it',
      ]);
    }
    let tap = this.taps.get(target.id);
    if (tap === undefined) {
      if (this.taps.size >= this.limits.maxTappedSessions) {
        throw new WampError(LIMIT_REACHED, [
          `${this.limits.maxTappedSessions} sessions are tapped already (dashboard.maxTappedSessions): stop one first`,
        ]);
      }
      tap = new SessionTap(target, this.limits);
      this.taps.set(target.id, tap);
      target.tap = tap;
    }
    tap.watchers.add(watcher);
    return tap;
  }

  /** `watcher` stops watching `target`; the tap ends with its last watcher. False when it was not watching. */
  stop(watcher: RouterSession, target: number): boolean {
    const tap = this.taps.get(target);
    if (tap === undefined || !tap.watchers.delete(watcher)) return false;
    if (tap.watchers.size === 0) this.end(tap);
    return true;
  }

  /** The tap on the session with ID `target`, if there is one. */
  of(target: number): SessionTap | undefined {
    return this.taps.get(target);
  }

  /** How many sessions are tapped. */
  get size(): number {
    return this.taps.size;
  }

  /**
   * A session left its realm: a tap on it stops recording (and stays readable), and the taps it watched lose a
   * watcher, ending with their last.
   */
  sessionLeft(session: RouterSession): void {
    const own = session.tap;
    if (own !== null) {
      own.active = false;
      session.tap = null;
    }
    if (this.taps.size === 0) return;
    for (const tap of [...this.taps.values()]) {
      if (tap.watchers.delete(session) && tap.watchers.size === 0) this.end(tap);
    }
  }

  private end(tap: SessionTap): void {
    this.taps.delete(tap.targetId);
    if (tap.target.tap === tap) tap.target.tap = null;
  }
}
