// The rules on testaments: a `wamp.session.add_testament` call checked against them before anything is kept.
import {
  ErrorUri,
  isDict,
  isValidUri,
  type KwArgs,
  ProtocolViolation,
  type PublishOptions,
  parseMessage,
  publish,
  type Serializer,
  WampError,
} from '@wamp/protocol';
import type { Testament, TestamentScope, Testaments } from './testaments.js';

/** The bounds on what one session may leave behind. */
export interface TestamentLimits {
  maxTestamentsPerSession: number;
  maxTestamentBytesPerSession: number;
}

/** The testament scope a call names; `destroyed` is the default. */
export function testamentScope(scope: unknown): TestamentScope {
  if (scope === undefined || scope === 'destroyed') return 'destroyed';
  if (scope === 'detached') return 'detached';
  throw new WampError(ErrorUri.INVALID_ARGUMENT, ['scope must be "destroyed" or "detached"']);
}

/**
 * Checks a `wamp.session.add_testament` call before anything is kept. A testament is published later by the
 * router's own trusted session, so everything a PUBLISH from a client would be refused for is refused here, at
 * the door, where the client still hears why: reserved `wamp.*` topics (no client may speak for the router),
 * publish options or a payload that PUBLISH does not allow, a payload the router cannot encode, and more
 * testaments or bytes than a session may leave.
 */
export class TestamentRules {
  constructor(
    private readonly limits: TestamentLimits,
    private readonly serializer: Serializer,
  ) {}

  /** The testament the call describes, or a `WampError` saying what to change. */
  accept(args: unknown[], kwargs: KwArgs, kept: Testaments | null): Testament {
    const topic = args[0];
    if (typeof topic !== 'string' || !isValidUri(topic)) {
      throw new WampError(ErrorUri.INVALID_URI, ['topic must be a URI']);
    }
    if (topic.startsWith('wamp.')) {
      throw new WampError(ErrorUri.INVALID_URI, ['testaments may not publish to the reserved wamp.* topics']);
    }
    const options = kwargs.publish_options ?? {};
    if (!isDict(options)) throw new WampError(ErrorUri.INVALID_ARGUMENT, ['publish_options must be a dict']);
    const testament: Testament = {
      topic,
      args: Array.isArray(args[1]) ? args[1] : [],
      kwargs: isDict(args[2]) ? args[2] : {},
      // Checked as PUBLISH options below, with the rest of the PUBLISH it becomes.
      options: options as PublishOptions,
      onGoodbye: kwargs._on_goodbye === true,
    };
    const count = kept === null ? 0 : kept.detached.length + kept.destroyed.length;
    if (count >= this.limits.maxTestamentsPerSession) {
      throw new WampError(ErrorUri.UNAVAILABLE, [
        `a session may keep ${this.limits.maxTestamentsPerSession} testaments: flush some first`,
      ]);
    }
    let bytes = this.sizeOf(testament);
    for (const other of kept === null ? [] : [...kept.detached, ...kept.destroyed]) bytes += this.sizeOf(other);
    if (bytes > this.limits.maxTestamentBytesPerSession) {
      throw new WampError(ErrorUri.UNAVAILABLE, [
        `a session's testaments may hold ${this.limits.maxTestamentBytesPerSession} bytes: this one makes ${bytes}`,
      ]);
    }
    return testament;
  }

  /** The size of the PUBLISH the testament becomes; validating it as one refuses what a client PUBLISH could not be. */
  private sizeOf(testament: Testament): number {
    const message = publish(1, testament.options, testament.topic, testament.args, testament.kwargs);
    try {
      parseMessage(message);
      return this.serializer.encode(message).length;
    } catch (error) {
      const why = error instanceof ProtocolViolation ? error.message : 'its payload cannot be encoded';
      throw new WampError(ErrorUri.INVALID_ARGUMENT, [`the testament would not be a valid PUBLISH: ${why}`]);
    }
  }
}
