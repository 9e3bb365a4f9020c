// The message tap of one session, turned on from the sessions table: router.tap.start, then router.tap.read
// every second for what came after the last message shown, until router.tap.stop (or this page leaves).
import type { Session } from '@wamp/client';
import { element, row } from './dom.js';

interface TappedMessage {
  seq: number;
  at: number;
  direction: 'in' | 'out';
  type: string;
  text: string;
}

/** Rows shown at most; the router keeps fewer than this per tap by default. */
const SHOWN = 500;
const READ_EVERY_MS = 1000;

export class TapPanel {
  private target: number | null = null;
  private lastSeq = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly session: Session) {
    element('tap-stop').addEventListener('click', () => void this.stop());
  }

  /** Taps `target` (stopping the tap shown before). */
  async start(target: number): Promise<void> {
    if (this.target === target) return;
    await this.stop();
    try {
      await this.session.call('router.tap.start', [target]);
    } catch (error) {
      element('tap').hidden = false;
      element('tap-session').textContent = String(target);
      element('tap-state').textContent = `not tapped: ${(error as Error).message}`;
      return;
    }
    this.target = target;
    this.lastSeq = 0;
    element('tap').hidden = false;
    element('tap').dataset.session = String(target);
    element('tap-session').textContent = String(target);
    element('tap-state').textContent = 'on';
    element('tap-messages').replaceChildren();
    void this.read();
  }

  async stop(): Promise<void> {
    const target = this.target;
    if (target === null) return;
    this.target = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    element('tap-state').textContent = 'off';
    delete element('tap').dataset.session;
    await this.session.call('router.tap.stop', [target]).catch(() => undefined);
  }

  private async read(): Promise<void> {
    const target = this.target;
    if (target === null) return;
    try {
      const tap = (await this.session.call('router.tap.read', [target, this.lastSeq])) as {
        active: boolean;
        messages: TappedMessage[];
      };
      if (this.target !== target) return;
      const body = element('tap-messages');
      for (const message of tap.messages) {
        this.lastSeq = message.seq;
        const time = new Date(message.at).toLocaleTimeString();
        const arrow = message.direction === 'in' ? '→ router' : '← router';
        body.append(
          row([message.seq, time, arrow, message.type, { text: message.text, className: 'json' }], {
            type: message.type,
            direction: message.direction,
          }),
        );
      }
      while (body.childElementCount > SHOWN) body.firstElementChild?.remove();
      if (!tap.active) element('tap-state').textContent = 'the session left';
    } catch (error) {
      element('tap-state').textContent = `stopped: ${(error as Error).message}`;
      this.target = null;
      return;
    }
    this.timer = setTimeout(() => void this.read(), READ_EVERY_MS);
  }
}
