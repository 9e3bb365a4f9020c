// Typed contracts: a definition shared by caller and callee, checked at compile time. Type-level only, but for
// optional Standard Schema validators (zod, valibot, ...) that a callee runs on incoming arguments.

/**
 * The Standard Schema interface (standardschema.dev) that zod, valibot and arktype schemas implement, declared
 * here so the client needs no dependency for it.
 *
 * @example
 * ```ts
 * const twoNumbers: StandardSchemaV1<unknown, [number, number]> = z.tuple([z.number(), z.number()]);
 * ```
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (
      value: unknown,
    ) =>
      | { readonly value: Output; readonly issues?: undefined }
      | { readonly issues: ReadonlyArray<{ readonly message: string }> }
      | Promise<
          | { readonly value: Output; readonly issues?: undefined }
          | { readonly issues: ReadonlyArray<{ readonly message: string }> }
        >;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

/**
 * A procedure in a contract: its positional arguments and its result (what {@link proc} returns).
 *
 * @example
 * ```ts
 * const add: ProcedureSpec<[a: number, b: number], number> = proc<[a: number, b: number], number>();
 * ```
 */
export interface ProcedureSpec<Args extends unknown[], Result> {
  readonly kind: 'procedure';
  /** Validates the arguments at the callee, when given. */
  readonly schema?: StandardSchemaV1<unknown, Args>;
  /** Phantom fields carrying the types; never set. */
  readonly __args?: Args;
  readonly __result?: Result;
}

/**
 * A topic in a contract: the positional arguments of its events (what {@link topic} returns).
 *
 * @example
 * ```ts
 * const tick: TopicSpec<[n: number]> = topic<[n: number]>();
 * ```
 */
export interface TopicSpec<Args extends unknown[]> {
  readonly kind: 'topic';
  /** Validates event arguments at the subscriber, when given: invalid events are dropped and reported. */
  readonly schema?: StandardSchemaV1<unknown, Args>;
  readonly __args?: Args;
}

/**
 * A contract: procedures and topics by URI (what {@link defineApi} returns).
 *
 * @example
 * ```ts
 * function serve<Api extends ApiDefinition>(session: Session<Api>) {}
 * ```
 */
export interface ApiDefinition {
  readonly procedures: { readonly [uri: string]: ProcedureSpec<unknown[], unknown> };
  readonly topics: { readonly [uri: string]: TopicSpec<unknown[]> };
}

/**
 * Declares a procedure's argument and result types, optionally with a validator for its arguments.
 *
 * @example
 * ```ts
 * const add = proc<[a: number, b: number], number>();
 * ```
 */
export function proc<Args extends unknown[], Result>(
  schema?: StandardSchemaV1<unknown, Args>,
): ProcedureSpec<Args, Result> {
  return schema === undefined ? { kind: 'procedure' } : { kind: 'procedure', schema };
}

/**
 * Declares a topic's event argument types, optionally with a validator.
 *
 * @example
 * ```ts
 * const tick = topic<[n: number]>();
 * ```
 */
export function topic<Args extends unknown[]>(schema?: StandardSchemaV1<unknown, Args>): TopicSpec<Args> {
  return schema === undefined ? { kind: 'topic' } : { kind: 'topic', schema };
}

/**
 * Declares a contract. Share the returned object between caller and callee (import it as a value or a type),
 * and pass it to `Session.connect({ api })`: calls, registrations, publications and subscriptions are then
 * checked against it at compile time.
 *
 * @example
 * ```ts
 * export const api = defineApi({
 *   procedures: { 'com.example.add': proc<[a: number, b: number], number>() },
 *   topics: { 'com.example.tick': topic<[n: number]>() },
 * });
 * ```
 */
export function defineApi<
  const Procedures extends ApiDefinition['procedures'] = Record<never, never>,
  const Topics extends ApiDefinition['topics'] = Record<never, never>,
>(definition: { procedures?: Procedures; topics?: Topics }): { procedures: Procedures; topics: Topics } {
  return {
    procedures: definition.procedures ?? ({} as Procedures),
    topics: definition.topics ?? ({} as Topics),
  };
}

/**
 * The contract of a session without one: any URI, untyped payloads.
 *
 * @example
 * ```ts
 * const untyped: Session<Untyped> = await Session.connect({ url, realm: 'realm1' });
 * ```
 */
export interface Untyped {
  readonly procedures: { readonly [uri: string]: ProcedureSpec<unknown[], unknown> };
  readonly topics: { readonly [uri: string]: TopicSpec<unknown[]> };
  readonly __untyped: true;
}

/**
 * URIs of the procedures a contract allows.
 *
 * @example
 * ```ts
 * type Procedures = ProcedureUri<typeof api>; // 'com.example.add' | …
 * ```
 */
export type ProcedureUri<Api extends ApiDefinition> = keyof Api['procedures'] & string;
/**
 * URIs of the topics a contract allows.
 *
 * @example
 * ```ts
 * type Topics = TopicUri<typeof api>; // 'com.example.tick' | …
 * ```
 */
export type TopicUri<Api extends ApiDefinition> = keyof Api['topics'] & string;
/**
 * Argument types of a procedure.
 *
 * @example
 * ```ts
 * type AddArgs = ArgsOf<typeof api, 'com.example.add'>; // [a: number, b: number]
 * ```
 */
export type ArgsOf<Api extends ApiDefinition, Uri extends ProcedureUri<Api>> =
  Api['procedures'][Uri] extends ProcedureSpec<infer Args, unknown> ? Args : unknown[];
/**
 * Result type of a procedure.
 *
 * @example
 * ```ts
 * type Sum = ResultOf<typeof api, 'com.example.add'>; // number
 * ```
 */
export type ResultOf<Api extends ApiDefinition, Uri extends ProcedureUri<Api>> =
  Api['procedures'][Uri] extends ProcedureSpec<unknown[], infer Result> ? Result : unknown;
/**
 * Event argument types of a topic.
 *
 * @example
 * ```ts
 * type TickArgs = EventArgsOf<typeof api, 'com.example.tick'>; // [n: number]
 * ```
 */
export type EventArgsOf<Api extends ApiDefinition, Uri extends TopicUri<Api>> =
  Api['topics'][Uri] extends TopicSpec<infer Args> ? Args : unknown[];
