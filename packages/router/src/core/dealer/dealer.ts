import {
  type CallMessage,
  type CancelMessage,
  type CancelMode,
  type Dict,
  type ErrorMessage,
  ErrorUri,
  error,
  type InvocationPolicy,
  interrupt,
  invocation,
  isReservedUri,
  isValidPattern,
  type MatchPolicy,
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
import type { ClusterRegisterOutcome, ClusterRegistration, Fabric } from '../fabric.js';
import { acceptableUri, LIMIT_REACHED } from '../limits.js';
import { UriMatcher } from '../matching/uri-matcher.js';
import type { MetaEvents } from '../meta/meta-events.js';
import { describeDefect, META_ANSWER_LEVELS, type PayloadLimits, payloadDefect } from '../payload-check.js';
import type { Verdict } from '../permissions.js';
import type { RouterSession } from '../session.js';
import { invocationDetails, resultDetails } from './details.js';
import type { CalleeEnd, CallerEnd } from './ends.js';
import { type Invocation, track, untrack } from './invocations.js';
import { Registration } from './registrations.js';

/**
 * The longest CALL `timeout` the router honours: JavaScript timers hold at most 2^31 - 1 ms (about 24.8 days) and
 * fire at once above it, so a longer one is refused as invalid rather than expiring the call immediately.
 */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;
/** INVOCATION details of the further messages of a progressive call invocation. */
const PROGRESS_INPUT = Object.freeze({ progress: true });
const NO_DETAILS_INPUT = Object.freeze({});

/**
 * The dealer of one realm: registrations and call routing (CALL → INVOCATION, YIELD → RESULT, ERROR back to
 * the caller). Exact procedures are found with one `Map` lookup.
 */
export class Dealer {
  private readonly registrations = new UriMatcher<Registration>();
  private readonly byId = new Map<number, Registration>();

  private readonly limits: ResolvedOptions['limits'];
  /** The payload rule for the router's own meta API, whose answers wrap payloads that were routed before. */
  private readonly metaLimits: PayloadLimits;
  private readonly uriCheck: ResolvedOptions['uriCheck'];

  constructor(
    private readonly registrationIds: ScopedIdGenerator,
    options: ResolvedOptions,
    private readonly meta: MetaEvents,
    private readonly realmName: string,
    /** The cluster, when this router is one node of several; null for a router on its own. */
    private readonly fabric: Fabric | null,
    /** This node's session with an ID, for the registry's callees that are local. */
    private readonly localSession: (id: number) => RouterSession | undefined,
  ) {
    this.limits = options.limits;
    this.metaLimits = { ...options.limits, maxPayloadDepth: options.limits.maxPayloadDepth + META_ANSWER_LEVELS };
    this.uriCheck = options.uriCheck;
  }

  /** Number of registrations in the realm. */
  get registrationCount(): number {
    return this.byId.size;
  }

  /**
   * `verdict` is the realm authorizer's answer for this registration (the session asked it before). Returns a
   * promise when the registration must be made in the cluster first; REGISTERED follows then.
   */
  register(session: RouterSession, message: RegisterMessage, verdict: Verdict): Promise<void> | undefined {
    const [, request, options, procedure] = message;
    const match = options.match ?? 'exact';
    const invoke = options.invoke ?? 'single';
    if (
      procedure.length > this.limits.maxUriLength ||
      !isValidPattern(procedure, match, this.uriCheck) ||
      (isReservedUri(procedure) && !session.trusted)
    ) {
      session.send(
        error(MessageCode.REGISTER, request, {}, ErrorUri.INVALID_URI, [`invalid procedure URI "${procedure}"`]),
      );
      return;
    }
    if (verdict === 'deny') {
      session.send(error(MessageCode.REGISTER, request, {}, ErrorUri.NOT_AUTHORIZED));
      return;
    }
    if (session.registrations.size >= this.limits.maxRegistrationsPerSession) {
      session.send(
        error(MessageCode.REGISTER, request, {}, LIMIT_REACHED, [
          `limit of ${this.limits.maxRegistrationsPerSession} registrations per session reached`,
        ]),
      );
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
      return this.registerInCluster(this.fabric, session, request, procedure, match, invoke);
    }
    const registration = new Registration(this.registrationIds.next(), procedure, match, invoke);
    registration.callees.push(session);
    this.registrations.set(procedure, match, registration);
    this.byId.set(registration.id, registration);
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
    fabric: Fabric,
    session: RouterSession,
    request: number,
    procedure: string,
    match: MatchPolicy,
    invoke: InvocationPolicy,
  ): Promise<void> {
    const features = Object.keys(session.roles.callee?.features ?? {}).filter(
      (feature) => session.roles.callee?.features?.[feature] === true,
    );
    let outcome: ClusterRegisterOutcome;
    try {
      outcome = await fabric.register(this.realmName, procedure, match, invoke, { session: session.id, features });
    } catch (failure) {
      session.log.warn({ err: failure, procedure }, 'registering in the cluster failed');
      outcome = { error: LIMIT_REACHED, message: 'the cluster registry cannot be reached: try again' };
    }
    if ('error' in outcome) {
      session.send(error(MessageCode.REGISTER, request, {}, outcome.error, [outcome.message]));
      return;
    }
    if (session.realm?.dealer !== this) {
      // The session left meanwhile: take its callee out again.
      fabric.unregister(this.realmName, procedure, match, session.id);
      return;
    }
    const created = this.registrations.get(procedure, match) === undefined;
    const registration = this.adopt(outcome.registration);
    if (!registration.callees.includes(session)) registration.callees.push(session);
    this.joined(session, request, registration, created);
  }

  /**
   * Returns a promise in a cluster: UNREGISTERED follows once the registry no longer lists the callee, so no node
   * routes a call to it after the client was told it is unregistered.
   */
  unregister(session: RouterSession, message: UnregisterMessage): Promise<void> | undefined {
    const [, request, registrationId] = message;
    const registration = this.byId.get(registrationId);
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
      caller.send(error(MessageCode.CALL, request, {}, ErrorUri.NOT_AUTHORIZED));
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
      caller.send(error(MessageCode.CALL, request, {}, valid ? ErrorUri.NO_SUCH_PROCEDURE : ErrorUri.INVALID_URI));
      return;
    }
    const refusal = this.refuseCall(caller, callee, message);
    if (refusal !== undefined) {
      caller.send(error(MessageCode.CALL, request, {}, refusal[0], [refusal[1]]));
      return;
    }
    const options = message[2];
    const inputOpen = options.progress === true;
    if (inputOpen && !callee.supports('callee', 'progressive_call_invocations')) {
      caller.send(
        error(MessageCode.CALL, request, {}, ErrorUri.FEATURE_NOT_SUPPORTED, [
          'the callee does not take progressive call invocations',
        ]),
      );
      return;
    }
    const id = callee.outboundRequests.next();
    const pending = track({
      id,
      callee,
      caller,
      callRequest: request,
      registration,
      receiveProgress: options.receive_progress === true,
      inputOpen,
      interrupted: false,
      timer: undefined,
    });
    const timeout = options.timeout;
    if (typeof timeout === 'number' && timeout > 0) pending.timer = setTimeout(this.expire, timeout, pending);
    const details = invocationDetails(registration, caller, callee, message, verdict === 'allow-disclosed');
    callee.send(invocation(id, registration.id, details, message[4], message[5]));
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

  private sendInput(pending: Invocation, more: boolean, args: unknown[] | undefined, kwargs: Dict | undefined): void {
    pending.inputOpen = more;
    const details = more ? PROGRESS_INPUT : NO_DETAILS_INPUT;
    pending.callee.send(invocation(pending.id, pending.registration.id, details, args, kwargs));
  }

  /** CANCEL from the caller, in the mode it asked for (the spec's `skip`, `kill`, `killnowait`). */
  cancel(caller: RouterSession, message: CancelMessage): void {
    const pending = caller.calls.get(message[1]);
    if (pending === undefined) return; // already answered
    this.stop(pending, message[2].mode ?? 'killnowait', ErrorUri.CANCELED);
  }

  /** The dealer's deadline for a call passed: cancel it as `killnowait` and tell the caller `wamp.error.timeout`. */
  private readonly expire = (pending: Invocation): void => {
    pending.timer = undefined;
    if (pending.caller.calls.get(pending.callRequest) === pending) this.stop(pending, 'killnowait', ErrorUri.TIMEOUT);
  };

  /**
   * Stops a call in flight. `skip` answers the caller and forgets the call; `killnowait` also interrupts the
   * callee; `kill` interrupts the callee and lets its answer (result or error) reach the caller. A callee that does
   * not support call canceling is treated as `skip`.
   */
  private stop(pending: Invocation, requested: CancelMode, uri: string): void {
    const callee = pending.callee;
    const mode: CancelMode = callee.supports('callee', 'call_canceling') ? requested : 'skip';
    if (mode !== 'skip' && !pending.interrupted) {
      pending.interrupted = true;
      callee.send(interrupt(pending.id, { mode, reason: uri }));
    }
    if (mode === 'kill') return;
    untrack(pending);
    pending.caller.send(error(MessageCode.CALL, pending.callRequest, {}, uri));
  }

  /** Why a call cannot be routed now (its URI and a message), or undefined when it can. */
  private refuseCall(caller: RouterSession, callee: CalleeEnd, message: CallMessage): [string, string] | undefined {
    const limits = this.limits;
    if (caller.calls.size >= limits.maxPendingCallsPerCaller) {
      return [LIMIT_REACHED, `limit of ${limits.maxPendingCallsPerCaller} calls in flight per caller reached`];
    }
    if (callee.invocations.size >= limits.maxPendingCallsPerCallee) {
      return [LIMIT_REACHED, `the callee has ${limits.maxPendingCallsPerCallee} calls in flight already`];
    }
    // A callee that stopped reading would only pile up invocations in memory: fail fast instead.
    if (!callee.isWritable()) return [LIMIT_REACHED, 'the callee is not keeping up: its outbound queue is full'];
    const defect = payloadDefect(message[4], message[5], limits);
    if (defect !== undefined) return [ErrorUri.INVALID_ARGUMENT, describeDefect(defect)];
    const timeout = message[2].timeout;
    if (typeof timeout === 'number' && timeout > MAX_TIMEOUT_MS) {
      return [
        ErrorUri.INVALID_ARGUMENT,
        `timeout ${timeout} ms is over the longest the router keeps: ${MAX_TIMEOUT_MS}`,
      ];
    }
    return undefined;
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
    untrack(pending);
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
    untrack(pending);
    pending.caller.send(error(MessageCode.CALL, pending.callRequest, message[3], message[4], message[5], message[6]));
  }

  /**
   * Ends a call whose next message cannot be routed: the caller is answered with `wamp.error.invalid_argument`
   * saying why, and a callee still working on it is interrupted when it announced call canceling.
   */
  private failCall(pending: Invocation, why: string, calleeWorking: boolean): void {
    untrack(pending);
    pending.caller.send(error(MessageCode.CALL, pending.callRequest, {}, ErrorUri.INVALID_ARGUMENT, [why]));
    if (calleeWorking && !pending.interrupted && pending.callee.supports('callee', 'call_canceling')) {
      pending.callee.send(interrupt(pending.id, { mode: 'killnowait', reason: ErrorUri.INVALID_ARGUMENT }));
    }
  }

  /**
   * Cleans up after a leaving session: its registrations go; callers waiting on it get `wamp.error.canceled`;
   * callees serving its calls get INTERRUPT when they announced call canceling, and their answers are dropped.
   */
  removeSession(session: RouterSession): void {
    for (const registration of session.registrations) this.detach(session, registration);
    for (const pending of session.invocations.values()) {
      untrack(pending);
      pending.caller.send(
        error(MessageCode.CALL, pending.callRequest, {}, ErrorUri.CANCELED, ['callee left before answering']),
      );
    }
    for (const pending of session.calls.values()) {
      untrack(pending);
      if (!pending.interrupted && pending.callee.supports('callee', 'call_canceling')) {
        pending.callee.send(interrupt(pending.id, { mode: 'killnowait', reason: ErrorUri.CANCELED }));
      }
    }
  }

  /** Takes the session out of the registration; in a cluster, resolves once the registry no longer lists it. */
  private detach(session: RouterSession, registration: Registration): Promise<void> | undefined {
    session.registrations.delete(registration);
    this.removeCallee(registration, session);
    this.meta.unregistered(session, registration);
    if (registration.callees.length === 0) this.meta.registrationDeleted(session, registration);
    if (this.fabric === null || session.trusted) return undefined;
    return this.fabric.unregister(this.realmName, registration.procedure, registration.match, session.id);
  }

  /** Takes a callee out of a registration; the last one takes the registration away. */
  private removeCallee(registration: Registration, callee: CalleeEnd): void {
    const callees = registration.callees;
    const index = callees.indexOf(callee);
    if (index !== -1) callees.splice(index, 1);
    this.dropIfEmpty(registration);
  }

  private dropIfEmpty(registration: Registration): void {
    if (registration.callees.length === 0 && this.byId.get(registration.id) === registration) {
      this.registrations.delete(registration.procedure, registration.match);
      this.byId.delete(registration.id);
    }
  }

  // ---- the cluster: registrations of every node, and calls between nodes

  /**
   * The registration for a cluster record: the existing one (callees in the record's order), or a new one under
   * the record's ID. Local callees come from this node's sessions, the others are {@link Fabric.remoteCallee}s; a
   * local session that holds the registration stays a callee even while a record does not list it yet.
   */
  private adopt(record: ClusterRegistration): Registration {
    let registration = this.registrations.get(record.procedure, record.match);
    if (registration === undefined || registration.id !== record.id) {
      if (registration !== undefined) this.byId.delete(registration.id);
      const previous = registration;
      registration = new Registration(record.id, record.procedure, record.match, record.invoke);
      // Sessions of this node that held the previous registration move over to this one.
      for (const callee of previous?.callees ?? []) {
        const session = this.localSession(callee.id);
        if (session?.registrations.delete(previous!)) session.registrations.add(registration);
      }
      this.registrations.set(record.procedure, record.match, registration);
      this.byId.set(record.id, registration);
    }
    const fabric = this.fabric!;
    const callees: CalleeEnd[] = [];
    for (const callee of [...record.callees].sort((a, b) => a.order - b.order)) {
      if (callee.node !== fabric.node) {
        callees.push(fabric.remoteCallee(this.realmName, callee));
        continue;
      }
      const session = this.localSession(callee.session);
      if (session !== undefined) callees.push(session);
    }
    for (const callee of registration.callees) {
      const session = this.localSession(callee.id);
      if (session?.registrations.has(registration) && !callees.includes(session)) callees.push(session);
    }
    registration.callees.length = 0;
    registration.callees.push(...callees);
    return registration;
  }

  /** The cluster's registration of `(procedure, match)` changed, or is gone (null). */
  registrationChanged(procedure: string, match: MatchPolicy, record: ClusterRegistration | null): void {
    if (record !== null) {
      this.dropIfEmpty(this.adopt(record));
      return;
    }
    const registration = this.registrations.get(procedure, match);
    if (registration === undefined) return;
    // Gone from the registry: the callees of other nodes go; this node's own stay until they unregister.
    for (const callee of [...registration.callees]) {
      if (this.localSession(callee.id)?.registrations.has(registration) !== true)
        this.removeCallee(registration, callee);
    }
  }

  /**
   * INVOCATION input from a caller on another node for a callee of this node: the first (a new call in flight,
   * indexed under the caller's call ID), or more input of a progressive call invocation.
   */
  remoteInvocation(
    caller: CallerEnd,
    callRequest: number,
    calleeSession: number,
    registrationId: number,
    details: Dict,
    args: unknown[] | undefined,
    kwargs: Dict | undefined,
  ): void {
    const ongoing = caller.calls.get(callRequest);
    if (ongoing !== undefined) {
      this.sendInput(ongoing, details.progress === true, args, kwargs);
      return;
    }
    const registration = this.byId.get(registrationId);
    const callee = this.localSession(calleeSession);
    if (registration === undefined || callee === undefined || !callee.registrations.has(registration)) {
      // It unregistered (or left) before the caller's node heard of it: for the caller, there is no such procedure.
      caller.send(error(MessageCode.CALL, callRequest, {}, ErrorUri.NO_SUCH_PROCEDURE, ['the callee is gone']));
      return;
    }
    if (callee.invocations.size >= this.limits.maxPendingCallsPerCallee || !callee.isWritable()) {
      caller.send(error(MessageCode.CALL, callRequest, {}, LIMIT_REACHED, ['the callee is not keeping up']));
      return;
    }
    const id = callee.outboundRequests.next();
    track({
      id,
      callee,
      caller,
      callRequest,
      registration,
      receiveProgress: details.receive_progress === true,
      inputOpen: details.progress === true,
      interrupted: false,
      timer: undefined,
    });
    callee.send(invocation(id, registration.id, details, args, kwargs));
  }

  /** Another node's meta API revokes a callee of this node. */
  remoteRevoke(calleeSession: number, registrationId: number, reason: string | undefined): void {
    const session = this.localSession(calleeSession);
    const registration = this.byId.get(registrationId);
    if (session !== undefined && registration !== undefined) this.revoke(session, registration, reason);
  }

  /** A caller on another node canceled its call (or its node's deadline passed). */
  remoteInterrupt(caller: CallerEnd, callRequest: number, mode: string, reason: string): void {
    const pending = caller.calls.get(callRequest);
    if (pending === undefined) return;
    this.stop(pending, mode === 'kill' || mode === 'skip' ? mode : 'killnowait', reason);
  }

  /** A call to a callee on another node cannot complete: the caller gets ERROR `uri` with `why`. */
  callLost(callee: CalleeEnd, invocationId: number, uri: string, why: string): void {
    const pending = callee.invocations.get(invocationId);
    if (pending === undefined) return;
    untrack(pending);
    pending.caller.send(error(MessageCode.CALL, pending.callRequest, {}, uri, [why]));
  }

  /** A callee on another node is gone: its callers get `wamp.error.canceled`, its registrations lose it. */
  calleeGone(callee: CalleeEnd): void {
    for (const pending of callee.invocations.values()) {
      untrack(pending);
      pending.caller.send(
        error(MessageCode.CALL, pending.callRequest, {}, ErrorUri.CANCELED, ["the callee's router node is gone"]),
      );
    }
    for (const registration of this.byId.values()) {
      if (registration.callees.includes(callee)) this.removeCallee(registration, callee);
    }
  }

  /** A caller on another node is gone: its calls stop, and callees that can be interrupted are. */
  callerGone(caller: CallerEnd): void {
    for (const pending of caller.calls.values()) {
      untrack(pending);
      if (!pending.interrupted && pending.callee.supports('callee', 'call_canceling')) {
        pending.callee.send(interrupt(pending.id, { mode: 'killnowait', reason: ErrorUri.CANCELED }));
      }
    }
  }

  /**
   * Removes `session` from a registration on the router's own initiative (registration revocation). A callee
   * that announced `registration_revocation` is told with UNREGISTERED `[67, 0, {registration, reason}]`.
   */
  revoke(session: RouterSession, registration: Registration, reason: string | undefined): void {
    if (!session.registrations.has(registration)) return;
    this.detach(session, registration);
    if (session.supports('callee', 'registration_revocation')) {
      session.send(
        unregistered(
          0,
          reason === undefined ? { registration: registration.id } : { registration: registration.id, reason },
        ),
      );
    }
  }

  // ---- read access for the meta API (`wamp.registration.*`)

  /** The registration with this ID. */
  registrationById(id: number): Registration | undefined {
    return this.byId.get(id);
  }

  /** Every registration of the realm. */
  allRegistrations(): IterableIterator<Registration> {
    return this.byId.values();
  }

  /** The registration stored under exactly this procedure and policy. */
  lookup(procedure: string, match: MatchPolicy): Registration | undefined {
    return this.registrations.get(procedure, match);
  }

  /** The registration a call to `procedure` would go to. */
  bestMatch(procedure: string): Registration | undefined {
    return this.registrations.best(procedure);
  }
}
