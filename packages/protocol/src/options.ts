// The typed Options/Details dicts and payload types of the messages.
/**
 * Typed `Options|dict` and `Details|dict` elements, spelled exactly as the WAMP spec spells them.
 *
 * Every dict stays open (`[key: string]: unknown`): the spec says attributes unknown to an
 * implementation MUST be ignored, and implementation-specific keys start with `_`.
 */

/** A WAMP `dict`: keys are strings, values anything the serializer carries. */
export type Dict = { [key: string]: unknown };

/** Positional application payload (`Arguments|list`). */
export type Args = unknown[];

/** Keyword application payload (`ArgumentsKw|dict`). */
export type KwArgs = { [key: string]: unknown };

/** How a subscription or registration URI is matched (Advanced Profile, pattern-based subscription/registration). */
export type MatchPolicy = 'exact' | 'prefix' | 'wildcard';

/** How a shared registration picks its callee (Advanced Profile, shared registration). */
export type InvocationPolicy = 'single' | 'roundrobin' | 'random' | 'first' | 'last';

/** How a dealer treats a canceled call (Advanced Profile, call canceling). */
export type CancelMode = 'skip' | 'kill' | 'killnowait';

/** Payload passthru mode keys, allowed on PUBLISH, EVENT, CALL, INVOCATION, YIELD, RESULT and ERROR. */
export interface PassthruOptions {
  ppt_scheme?: string;
  ppt_serializer?: string;
  ppt_cipher?: string;
  ppt_keyid?: string;
}

/** A role's announcement in HELLO/WELCOME details: `{ features: { progressive_call_results: true, ... } }`. */
export interface RoleDetails {
  features?: { [feature: string]: boolean };
  [key: string]: unknown;
}

/** `HELLO.Details|dict` (basic: `roles`; authentication: `authmethods`, `authid`, `authrole`, `authextra`). */
export interface HelloDetails {
  roles: { publisher?: RoleDetails; subscriber?: RoleDetails; caller?: RoleDetails; callee?: RoleDetails };
  agent?: string;
  authmethods?: string[];
  authid?: string;
  authrole?: string;
  authextra?: Dict;
  [key: string]: unknown;
}

/** `WELCOME.Details|dict`. */
export interface WelcomeDetails {
  roles: { broker?: RoleDetails; dealer?: RoleDetails };
  realm?: string;
  agent?: string;
  authid?: string;
  authrole?: string;
  authmethod?: string;
  authprovider?: string;
  authextra?: Dict;
  [key: string]: unknown;
}

/** `ABORT.Details|dict` and `GOODBYE.Details|dict`: a human-readable `message` is customary. */
export interface CloseDetails {
  message?: string;
  [key: string]: unknown;
}

/** `CHALLENGE.Extra|dict`, contents depend on the authentication method. */
export type ChallengeExtra = Dict;

/** `AUTHENTICATE.Extra|dict`, contents depend on the authentication method. */
export type AuthenticateExtra = Dict;

/** `ERROR.Details|dict`. */
export interface ErrorDetails extends PassthruOptions {
  [key: string]: unknown;
}

/** `PUBLISH.Options|dict`. */
export interface PublishOptions extends PassthruOptions {
  acknowledge?: boolean;
  exclude_me?: boolean;
  exclude?: number[];
  exclude_authid?: string[];
  exclude_authrole?: string[];
  eligible?: number[];
  eligible_authid?: string[];
  eligible_authrole?: string[];
  disclose_me?: boolean;
  retain?: boolean;
  [key: string]: unknown;
}

/** `SUBSCRIBE.Options|dict`. */
export interface SubscribeOptions {
  match?: MatchPolicy;
  get_retained?: boolean;
  [key: string]: unknown;
}

/** `UNSUBSCRIBED.Details|dict`, present when the broker revokes a subscription. */
export interface UnsubscribedDetails {
  subscription?: number;
  reason?: string;
  [key: string]: unknown;
}

/** `EVENT.Details|dict`. */
export interface EventDetails extends PassthruOptions {
  publisher?: number;
  publisher_authid?: string;
  publisher_authrole?: string;
  topic?: string;
  retained?: boolean;
  trustlevel?: number;
  [key: string]: unknown;
}

/** `CALL.Options|dict`. */
export interface CallOptions extends PassthruOptions {
  receive_progress?: boolean;
  progress?: boolean;
  timeout?: number;
  disclose_me?: boolean;
  [key: string]: unknown;
}

/** `CANCEL.Options|dict`. */
export interface CancelOptions {
  mode?: CancelMode;
  [key: string]: unknown;
}

/** `RESULT.Details|dict`. */
export interface ResultDetails extends PassthruOptions {
  progress?: boolean;
  [key: string]: unknown;
}

/** `REGISTER.Options|dict`. */
export interface RegisterOptions {
  match?: MatchPolicy;
  invoke?: InvocationPolicy;
  disclose_caller?: boolean;
  [key: string]: unknown;
}

/** `UNREGISTERED.Details|dict`, present when the dealer revokes a registration. */
export interface UnregisteredDetails {
  registration?: number;
  reason?: string;
  [key: string]: unknown;
}

/** `INVOCATION.Details|dict`. */
export interface InvocationDetails extends PassthruOptions {
  receive_progress?: boolean;
  progress?: boolean;
  timeout?: number;
  caller?: number;
  caller_authid?: string;
  caller_authrole?: string;
  procedure?: string;
  trustlevel?: number;
  [key: string]: unknown;
}

/** `INTERRUPT.Options|dict`. */
export interface InterruptOptions {
  mode?: CancelMode;
  reason?: string;
  [key: string]: unknown;
}

/** `YIELD.Options|dict`. */
export interface YieldOptions extends PassthruOptions {
  progress?: boolean;
  [key: string]: unknown;
}
