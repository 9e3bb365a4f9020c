// The dealer of one realm: its registrations, and the routing of calls between callers and callees.
import {
  type CallMessage,
  type CancelMessage,
  type CancelMode,
  type Dict,
  type ErrorMessage,
  ErrorUri,
  error,
  interrupt,
  invocation,
  MessageCode,
  type RegisterMessage,
  registered,
  result,
  type ScopedIdGenerator,
  type UnregisterMessage,
  unregistered,
  type YieldMessage,
} from '@wamp/protocol';
import type { ResolvedOptions } from '../../options.js';
import type { CallStats } from '../call-stats.js';
import type { CalleeRegistration, ClusterRegisterOutcome, RpcFabric } from '../fabric.js';
import { acceptableUri, LIMIT_REACHED } from '../limits.js';
import type { MetaEvents } from '../meta/meta-events.js';
import { describeDefect, META_ANSWER_LEVELS, type PayloadLimits, payloadDefect } from '../payload-check.js';
import type { Verdict } from '../permissions.js';
import { tellRevoked } from '../revocation.js';
import type { RouterSession } from '../session.js';
import type { RouterTracer } from '../tracing.js';
import { invocationDetails, resultDetails } from './details.js';
import type { CalleeEnd, CallerEnd } from './ends.js';
import { type Invocation, startInvocation, untrack } from './invocations.js';
import { refuseCall, refuseRegistration } from './refusals.js';
import { RegistrationTable } from './registration-table.js';
import { Registration } from './registrations.js';

/** INVOCATION details of the further messages of a progressive call invocation. */
const PROGRESS_INPUT = Object.freeze({ progress: true });
const NO_DETAILS_INPUT = Object.freeze({});

/**
 * The dealer of one realm: registrations and call routing (CALL → INVOCATION, YIELD → RESULT, ERROR back to
 * the caller), for callers and callees that are sessions of this node or, in a cluster, ends on other nodes
 * (which `../../cluster/` drives through the public methods below). Exact procedures are one `Map` lookup.
 */
export class Dealer {
  /** The realm's registrations; in a cluster, the registry's are adopted into it (`cluster/registry-adoption.ts`). */
  readonly registrations = new RegistrationTable();

  readonly limits: ResolvedOptions['limits'];
  /** The payload rule for the router's own meta API, whose answers wrap payloads that were routed before. */
  private readonly metaLimits: PayloadLimits;
  private readonly uriCheck: ResolvedOptions['uriCheck'];
  /** Spans for calls, while tracing is on. */
  private readonly tracer: RouterTracer | null;

  constructor(
    private readonly registrationIds: ScopedIdGenerator,
    options: ResolvedOptions,
    private readonly meta: MetaEvents,
    readonly realmName: string,
    /** The cluster, when this router is one node of several; null for a router on its own. */
    private readonly fabric: RpcFabric | null,
    /** This node's session with an ID in the realm (for the cluster: the registry's callees that are local). */
    readonly localSession: (id: number) => RouterSession | undefined,
    /** Calls by outcome and latency, while metrics are on. */
    private readonly callStats: CallStats | null = null,
  ) {
    this.limits = options.limits;
    this.metaLimits = { ...options.limits, maxPayloadDepth: options.limits.maxPayloadDepth + META_ANSWER_LEVELS };
    this.uriCheck = options.uriCheck;
    this.tracer = options.tracing;
  }

  /** Number of registrations in the realm. */
  get registrationCount(): number {
    return this.registrations.size;
  }

  /**
   * `verdict` is the realm authorizer's answer for this registration (the session asked it before). Returns a
   * promise when the registration must be made in the cluster first; REGISTERED follows then.
   */
  register(session: RouterSession, message: RegisterMessage, verdict: Verdict): Promise<void> | undefined {
    const [, request, options, procedure] = message;
    const match = options.match ?? 'exact';
    const invoke = options.invoke ?? 'single';
    const refusal = refuseRegistration(this.limits, this.uriCheck, session, procedure, match, verdict);
    if (refusal !== undefined) {
      const why = refusal[1] === undefined ? undefined : [refusal[1]];
      session.send(error(MessageCode.REGISTER, request, {}, refusal[0], why));
      return;
    }
    const existing = this.registrations.get(procedure, match);
    if (existing !== undefined) {
      // A shared registration takes more callees only under the same non-single policy (spec: shared registration).
      if (existing.invoke === 'single' || existing.invoke !== invoke || session.registrations.has(existing)) {
        session.send(error(MessageCode.REGISTER, request, {}, ErrorUri.PROCEDURE_ALREADY_EXISTS));
        return undefined;
      }
      if (this.fabric === null || session.trusted) {
        existing.callees.push(session);
        this.joined(session, request, existing, false);
        return undefined;
      }
    }
    // The router's own procedures (the meta API) belong to each node; everything else is registered cluster-wide.
    if (this.fabric !== null && !session.trusted) {
      const features = Object.keys(session.roles.callee?.features ?? {}).filter(
        (feature) => session.roles.callee?.features?.[feature] === true,
      );
      const callee = { realm: this.realmName, procedure, match, invoke, session: session.id, features };
      return this.registerInCluster(this.fabric, session, request, callee);
    }
    const registration = new Registration(this.registrationIds.next(), procedure, match, invoke);
    registration.callees.push(session);
    this.registrations.put(registration);
    this.joined(session, request, registration, true);
    return undefined;
  }

  /** The session is a callee of `registration` now: REGISTERED, and the meta events. */
  private joined(session: RouterSession, request: number, registration: Registration, created: boolean): void {
    session.registrations.add(registration);
    session.send(registered(request, registration.id));
    if (created) this.meta.registrationCreated(session, registration);
    this.meta.registered(session, registration);
  }

  /**
   * Registers through the cluster's registry (an atomic change there), then adopts the registration it answers
   * with; REGISTERED follows only then, so a call from any node finds the callee once the client knows it is
   * registered.
   */
  private async registerInCluster(
    fabric: RpcFabric,
    session: RouterSession,
    request: number,
    callee: CalleeRegistration,
  ): Promise<void> {
    let outcome: ClusterRegisterOutcome;
    try {
      outcome = await fabric.register(callee);
    } catch (failure) {
      session.log.warn({ err: failure, procedure: callee.procedure }, 'registering in the cluster failed');
      outcome = { error: LIMIT_REACHED, message: 'the cluster registry cannot be reached: try again' };
    }
    if ('error' in outcome) {
      session.send(error(MessageCode.REGISTER, request, {}, outcome.error, [outcome.message]));
      return;
    }
    if (session.realm?.dealer !== this) {
      // The session left meanwhile: take its callee out again.
      fabric.unregister(callee);
      return;
    }
    const created = this.registrations.get(callee.procedure, callee.match) === undefined;
    const registration = fabric.adopt({ dealer: this, record: outcome.registration });
    if (!registration.callees.includes(session)) registration.callees.push(session);
    this.joined(session, request, registration, created);
  }

  /**
   * Returns a promise in a cluster: UNREGISTERED follows once the registry no longer lists the callee, so no node
   * routes a call to it after the client was told it is unregistered.
   */
  unregister(session: RouterSession, message: UnregisterMessage): Promise<void> | undefined {
    const [, request, registrationId] = message;
    const registration = this.registrations.byId(registrationId);
    if (registration === undefined || !session.registrations.has(registration)) {
      session.send(error(MessageCode.UNREGISTER, request, {}, ErrorUri.NO_SUCH_REGISTRATION));
      return undefined;
    }
    const removed = this.detach(session, registration);
    if (removed === undefined) {
      session.send(unregistered(request));
      return undefined;
    }
    return removed.then(() => session.send(unregistered(request)));
  }

  /**
   * `verdict` is the realm authorizer's answer for this call (the session asked it before); it is not consulted
   * for the further input of a progressive call invocation, which the first CALL was authorized for.
   */
  call(caller: RouterSession, message: CallMessage, verdict: Verdict, caughtUp = false): Promise<void> | undefined {
    const request = message[1];
    const procedure = message[3];
    const ongoing = caller.calls.get(request);
    if (ongoing !== undefined) {
      // Only a progressive call invocation may reuse its request ID, while its input is open.
      if (ongoing.inputOpen) this.continueInput(ongoing, message);
      else caller.abort(ErrorUri.PROTOCOL_VIOLATION, `CALL request ID ${request} is already in flight`);
      return;
    }
    if (verdict === 'deny') {
      this.refuse(caller, message, undefined, ErrorUri.NOT_AUTHORIZED);
      return;
    }
    const registration = this.registrations.best(procedure);
    if (registration === undefined && this.fabric !== null && !caughtUp) {
      // Perhaps registered on another node a moment ago: look again once this node has seen the registry's news.
      return this.fabric.registryCaughtUp().then(() => {
        if (caller.realm?.dealer === this) this.call(caller, message, verdict, true);
      });
    }
    const callee = registration?.pickCallee();
    if (registration === undefined || callee === undefined) {
      const valid = acceptableUri(procedure, this.uriCheck, this.limits.maxUriLength);
      this.refuse(caller, message, undefined, valid ? ErrorUri.NO_SUCH_PROCEDURE : ErrorUri.INVALID_URI);
      return;
    }
    const refusal = refuseCall(this.limits, caller, callee, message);
    if (refusal !== undefined) {
      this.refuse(caller, message, registration.procedure, refusal[0], refusal[1]);
      return;
    }
    const options = message[2];
    const pending = startInvocation(callee, caller, request, registration, options);
    registration.calls++;
    if (this.callStats !== null) pending.startedAt = performance.now();
    if (this.tracer !== null) {
      const realm = this.realmName;
      pending.span = this.tracer.startCall({ realm, procedure: registration.procedure, caller, callee, message });
    }
    const timeout = options.timeout;
    if (typeof timeout === 'number' && timeout > 0) pending.timer = setTimeout(this.expire, timeout, pending);
    const disclose = verdict === 'allow-disclosed';
    const details = invocationDetails(registration, caller, callee, message, disclose, pending.span?.carrier);
    callee.send(invocation(pending.id, registration.id, details, message[4], message[5]));
  }

  /** Answers a CALL with ERROR `uri` (and `why`) at once; `procedure` is the registration it found, if any. */
  private refuse(
    caller: RouterSession,
    message: CallMessage,
    procedure: string | undefined,
    uri: string,
    why?: string,
  ): void {
    caller.send(error(MessageCode.CALL, message[1], {}, uri, why === undefined ? undefined : [why]));
    this.tracer?.refuseCall({ realm: this.realmName, procedure, caller, callee: undefined, message }, uri);
  }

  /** A further CALL of a progressive call invocation: more input for the same INVOCATION request. */
  private continueInput(pending: Invocation, message: CallMessage): void {
    const defect = payloadDefect(message[4], message[5], this.limits);
    if (defect !== undefined) {
      this.failCall(pending, `the call's input cannot be delivered: ${describeDefect(defect)}`, true);
      return;
    }
    this.sendInput(pending, message[2].progress === true, message[4], message[5]);
  }

  /** Input of a progressive call invocation to its callee; `more` while the caller streams on. */
  sendInput(pending: Invocation, more: boolean, args: unknown[] | undefined, kwargs: Dict | undefined): void {
    pending.inputOpen = more;
    const details = more ? PROGRESS_INPUT : NO_DETAILS_INPUT;
    pending.callee.send(invocation(pending.id, pending.registration.id, details, args, kwargs));
  }

  /** CANCEL from the caller, in the mode it asked for (the spec's `skip`, `kill`, `killnowait`). */
  cancel(caller: RouterSession, message: CancelMessage): void {
    this.stop(caller, message[1], message[2].mode ?? 'killnowait', ErrorUri.CANCELED);
  }

  /** The dealer's deadline for a call passed: cancel it as `killnowait` and tell the caller `wamp.error.timeout`. */
  private readonly expire = (pending: Invocation): void => {
    pending.timer = undefined;
    if (pending.caller.calls.get(pending.callRequest) === pending)
      this.stopCall(pending, 'killnowait', ErrorUri.TIMEOUT);
  };

  /** Stops the caller's call `request` (see {@link Dealer.stopCall}); nothing when it was answered already. */
  stop(caller: CallerEnd, request: number, mode: CancelMode, uri: string): void {
    const pending = caller.calls.get(request);
    if (pending !== undefined) this.stopCall(pending, mode, uri);
  }

  /**
   * Stops a call in flight. `skip` answers the caller and forgets the call; `killnowait` also interrupts the
   * callee; `kill` interrupts the callee and lets its answer (result or error) reach the caller. A callee that does
   * not support call canceling is treated as `skip`.
   */
  private stopCall(pending: Invocation, requested: CancelMode, uri: string): void {
    const callee = pending.callee;
    const mode: CancelMode = callee.supports('callee', 'call_canceling') ? requested : 'skip';
    if (mode !== 'skip' && !pending.interrupted) {
      pending.interrupted = true;
      callee.send(interrupt(pending.id, { mode, reason: uri }));
    }
    if (mode === 'kill') return;
    this.finish(pending, uri);
    pending.caller.send(error(MessageCode.CALL, pending.callRequest, {}, uri));
  }

  yield(callee: CalleeEnd, message: YieldMessage): void {
    const pending = callee.invocations.get(message[1]);
    // An answer to a call that is gone (its caller left, or it was canceled) is dropped, as the spec allows.
    if (pending === undefined) return;
    const defect = payloadDefect(message[3], message[4], callee.trusted ? this.metaLimits : this.limits);
    if (defect !== undefined) {
      // After a final result the callee is done; after a partial one it is still working and is interrupted.
      this.failCall(
        pending,
        `the callee's result cannot be delivered: ${describeDefect(defect)}`,
        message[2].progress === true,
      );
      return;
    }
    if (message[2].progress === true) {
      // A partial result goes out only to a caller that asked for them; the call stays in flight.
      if (pending.receiveProgress) {
        pending.caller.send(result(pending.callRequest, resultDetails(message, true), message[3], message[4]));
      }
      return;
    }
    this.finish(pending, 'result');
    pending.caller.send(result(pending.callRequest, resultDetails(message, false), message[3], message[4]));
  }

  invocationError(callee: CalleeEnd, message: ErrorMessage): void {
    const pending = callee.invocations.get(message[2]);
    if (pending === undefined) return;
    const defect =
      payloadDefect(message[5], message[6], this.limits) ?? payloadDefect(undefined, message[3], this.limits);
    if (defect !== undefined) {
      this.failCall(pending, `the callee's error cannot be delivered: ${describeDefect(defect)}`, false);
      return;
    }
    this.finish(pending, message[4]);
    pending.caller.send(error(MessageCode.CALL, pending.callRequest, message[3], message[4], message[5], message[6]));
  }

  /**
   * Ends a call whose next message cannot be routed: the caller is answered with `wamp.error.invalid_argument`
   * saying why, and a callee still working on it is interrupted when it announced call canceling.
   */
  private failCall(pending: Invocation, why: string, calleeWorking: boolean): void {
    this.finish(pending, ErrorUri.INVALID_ARGUMENT);
    pending.caller.send(error(MessageCode.CALL, pending.callRequest, {}, ErrorUri.INVALID_ARGUMENT, [why]));
    if (calleeWorking && !pending.interrupted && pending.callee.supports('callee', 'call_canceling')) {
      pending.callee.send(interrupt(pending.id, { mode: 'killnowait', reason: ErrorUri.INVALID_ARGUMENT }));
    }
  }

  /** Forgets a call that ended with `uri` (`'result'` for a result); counts it and ends its span while those are on. */
  private finish(pending: Invocation, uri: string): void {
    untrack(pending);
    this.callStats?.ended(pending.registration, uri, performance.now() - pending.startedAt);
    pending.span?.end(uri);
  }

  /**
   * Cleans up after a leaving session: its registrations go; callers waiting on it get `wamp.error.canceled`;
   * callees serving its calls get INTERRUPT when they announced call canceling, and their answers are dropped.
   */
  removeSession(session: RouterSession): void {
    for (const registration of session.registrations) this.detach(session, registration);
    this.calleeLeft(session, 'callee left before answering');
    this.callerLeft(session);
  }

  /** A callee left (a session, or a node of the cluster): its callers get `wamp.error.canceled` saying `why`. */
  calleeLeft(callee: CalleeEnd, why: string): void {
    for (const pending of callee.invocations.values()) {
      this.finish(pending, ErrorUri.CANCELED);
      pending.caller.send(error(MessageCode.CALL, pending.callRequest, {}, ErrorUri.CANCELED, [why]));
    }
  }

  /** A caller left: its calls stop, and their callees are interrupted when they announced call canceling. */
  callerLeft(caller: CallerEnd): void {
    for (const pending of caller.calls.values()) {
      this.finish(pending, ErrorUri.CANCELED);
      if (!pending.interrupted && pending.callee.supports('callee', 'call_canceling')) {
        pending.callee.send(interrupt(pending.id, { mode: 'killnowait', reason: ErrorUri.CANCELED }));
      }
    }
  }

  /** The call `invocationId` of `callee` cannot complete: its caller gets ERROR `uri` with `why`. */
  endCall(callee: CalleeEnd, invocationId: number, uri: string, why: string): void {
    const pending = callee.invocations.get(invocationId);
    if (pending === undefined) return;
    this.finish(pending, uri);
    pending.caller.send(error(MessageCode.CALL, pending.callRequest, {}, uri, [why]));
  }

  /** Takes the session out of the registration; in a cluster, resolves once the registry no longer lists it. */
  private detach(session: RouterSession, registration: Registration): Promise<void> | undefined {
    session.registrations.delete(registration);
    this.registrations.removeCallee(registration, session);
    this.meta.unregistered(session, registration);
    if (registration.callees.length === 0) this.meta.registrationDeleted(session, registration);
    if (this.fabric === null || session.trusted) return undefined;
    const { procedure, match } = registration;
    return this.fabric.unregister({ realm: this.realmName, procedure, match, session: session.id });
  }

  /**
   * Removes `session` from a registration on the router's own initiative (registration revocation). A callee
   * that announced `registration_revocation` is told with UNREGISTERED `[67, 0, {registration, reason}]`.
   */
  revoke(session: RouterSession, registration: Registration, reason: string | undefined): void {
    if (!session.registrations.has(registration)) return;
    this.detach(session, registration);
    tellRevoked(session, 'registration', registration.id, reason);
  }
}
