import {
  CloseUri,
  ErrorUri,
  error,
  hello,
  isValidUri,
  type KwArgs,
  type Message,
  MessageCode,
  parseMessage,
  publish,
  register,
  ScopedIdGenerator,
  WampError,
  yieldResult,
} from '@wamp/protocol';
import type { Transport } from '@wamp/transport';
import type { Realm } from '../realm.js';
import type { RouterSession } from '../session.js';

/** A meta procedure: positional and keyword arguments and the calling session's ID in, positional results out. */
type MetaProcedure = (args: unknown[], kwargs: KwArgs, caller: number) => unknown[];

const KILLED = 'wamp.close.killed';

/** What `wamp.session.get` and `wamp.session.on_join` say about a session. */
function describeSession(session: RouterSession): Record<string, unknown> {
  return {
    session: session.id,
    authid: session.authid,
    authrole: session.authrole,
    authmethod: session.authmethod,
    authprovider: 'static',
    transport: { peer: session.transport.peer.remoteAddress, protocol: session.transport.protocol },
  };
}

function authroleFilter(args: unknown[]): Set<unknown> | null {
  return Array.isArray(args[0]) ? new Set(args[0]) : null;
}

/**
 * The session meta API of one realm (`wamp.session.*`), served by an internal session of the router over an
 * in-memory transport, as any callee would: the broker and dealer have no special cases for it. It reads the
 * realm's tables directly and publishes `wamp.session.on_join` and `on_leave`.
 */
export class SessionMeta {
  private readonly requests = new ScopedIdGenerator();
  /** Procedures by the request ID of their REGISTER, then by registration ID. */
  private readonly registering = new Map<number, MetaProcedure>();
  private readonly procedures = new Map<number, MetaProcedure>();

  constructor(
    private readonly realm: Realm,
    private readonly transport: Transport,
  ) {
    transport.onmessage = this.onMessage;
    transport.send(hello(realm.name, { roles: { callee: {}, publisher: {} }, agent: 'wamp-router meta API' }));
  }

  /** Publishes `wamp.session.on_join` for a session that joined the realm. */
  sessionJoined(session: RouterSession): void {
    this.send(publish(this.requests.next(), {}, 'wamp.session.on_join', [describeSession(session)]));
  }

  /** Publishes `wamp.session.on_leave` for a session that left the realm or was disconnected. */
  sessionLeft(session: RouterSession): void {
    this.send(
      publish(this.requests.next(), {}, 'wamp.session.on_leave', [session.id, session.authid, session.authrole]),
    );
  }

  private send(message: Message): void {
    this.transport.send(message);
  }

  private readonly onMessage = (raw: unknown): void => {
    const message = parseMessage(raw);
    switch (message[0]) {
      case MessageCode.WELCOME:
        for (const [procedure, handler] of Object.entries(this.table())) {
          const request = this.requests.next();
          this.registering.set(request, handler);
          this.send(register(request, {}, procedure));
        }
        return;
      case MessageCode.REGISTERED: {
        const handler = this.registering.get(message[1]);
        this.registering.delete(message[1]);
        if (handler !== undefined) this.procedures.set(message[2], handler);
        return;
      }
      case MessageCode.INVOCATION: {
        const procedure = this.procedures.get(message[2]);
        const caller = typeof message[3].caller === 'number' ? message[3].caller : 0;
        try {
          if (procedure === undefined) throw new WampError(ErrorUri.NO_SUCH_PROCEDURE);
          this.send(yieldResult(message[1], {}, procedure(message[4] ?? [], message[5] ?? {}, caller)));
        } catch (failure) {
          const wamp =
            failure instanceof WampError ? failure : new WampError(ErrorUri.INVALID_ARGUMENT, [String(failure)]);
          this.send(error(MessageCode.INVOCATION, message[1], {}, wamp.uri, wamp.args, wamp.kwargs));
        }
        return;
      }
      case MessageCode.GOODBYE:
        this.send([MessageCode.GOODBYE, {}, CloseUri.GOODBYE_AND_OUT]);
        return;
      default:
        return;
    }
  };

  /** The sessions of the realm other than the router's own. */
  private clients(): RouterSession[] {
    return [...this.realm.sessions.values()].filter((session) => !session.trusted);
  }

  private kill(targets: RouterSession[], kwargs: KwArgs): number[] {
    const reason = kwargs.reason ?? KILLED;
    if (typeof reason !== 'string' || !isValidUri(reason))
      throw new WampError(ErrorUri.INVALID_URI, ['reason must be a URI']);
    const message = typeof kwargs.message === 'string' ? kwargs.message : undefined;
    for (const target of targets) target.goodbye(reason, 1000, message);
    return targets.map((target) => target.id);
  }

  private table(): Record<string, MetaProcedure> {
    return {
      'wamp.session.count': (args) => {
        const roles = authroleFilter(args);
        return [this.clients().filter((session) => roles === null || roles.has(session.authrole)).length];
      },
      'wamp.session.list': (args) => {
        const roles = authroleFilter(args);
        return [
          this.clients()
            .filter((session) => roles === null || roles.has(session.authrole))
            .map((session) => session.id),
        ];
      },
      'wamp.session.get': (args) => {
        const session = this.realm.sessions.get(args[0] as number);
        if (session === undefined || session.trusted) throw new WampError(ErrorUri.NO_SUCH_SESSION);
        return [describeSession(session)];
      },
      'wamp.session.kill': (args, kwargs, caller) => {
        const session = this.realm.sessions.get(args[0] as number);
        // The caller cannot kill itself: no *other* session has its ID.
        if (session === undefined || session.trusted || session.id === caller)
          throw new WampError(ErrorUri.NO_SUCH_SESSION);
        this.kill([session], kwargs);
        return [];
      },
      'wamp.session.kill_by_authid': (args, kwargs, caller) => [
        this.kill(
          this.clients().filter((session) => session.authid === args[0] && session.id !== caller),
          kwargs,
        ),
      ],
      'wamp.session.kill_by_authrole': (args, kwargs, caller) => [
        this.kill(
          this.clients().filter((session) => session.authrole === args[0] && session.id !== caller),
          kwargs,
        ).length,
      ],
      'wamp.session.kill_all': (_args, kwargs, caller) => [
        this.kill(
          this.clients().filter((session) => session.id !== caller),
          kwargs,
        ).length,
      ],
    };
  }
}
