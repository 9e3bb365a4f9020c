// The type each predefined Options/Details key must hold, per message type, and the check of one value against it.
import { MessageCode } from './codes.js';
import { isId } from './ids.js';

/** The kinds of value a predefined Options/Details key may hold. */
export type OptionKind =
  | 'bool'
  | 'string'
  | 'id'
  | 'integer'
  | 'dict'
  | 'list'
  | 'id-list'
  | 'string-list'
  | 'match'
  | 'invoke'
  | 'cancel-mode';

type Rules = ReadonlyMap<string, OptionKind>;

const PASSTHRU: [string, OptionKind][] = [
  ['ppt_scheme', 'string'],
  ['ppt_serializer', 'string'],
  ['ppt_cipher', 'string'],
  ['ppt_keyid', 'string'],
];
const ROUTED: [string, OptionKind][] = [
  ['forward_for', 'list'],
  ['transaction_hash', 'string'],
];

/**
 * The spec's predefined keys of each message's Options/Details dict with the type each must have. Keys not
 * listed are ignored, as the spec requires of attributes unknown to an implementation.
 */
export const OPTION_RULES: ReadonlyMap<number, Rules> = new Map<number, Rules>([
  [
    MessageCode.HELLO,
    new Map<string, OptionKind>([
      ['roles', 'dict'],
      ['agent', 'string'],
      ['authmethods', 'string-list'],
      ['authid', 'string'],
      ['authrole', 'string'],
      ['authextra', 'dict'],
    ]),
  ],
  [
    MessageCode.WELCOME,
    new Map<string, OptionKind>([
      ['roles', 'dict'],
      ['agent', 'string'],
      ['realm', 'string'],
      ['authid', 'string'],
      ['authrole', 'string'],
      ['authmethod', 'string'],
      ['authprovider', 'string'],
      ['authextra', 'dict'],
    ]),
  ],
  [MessageCode.ABORT, new Map<string, OptionKind>([['message', 'string']])],
  [MessageCode.GOODBYE, new Map<string, OptionKind>([['message', 'string']])],
  [MessageCode.ERROR, new Map<string, OptionKind>(PASSTHRU)],
  [
    MessageCode.PUBLISH,
    new Map<string, OptionKind>([
      ['acknowledge', 'bool'],
      ['exclude_me', 'bool'],
      ['exclude', 'id-list'],
      ['exclude_authid', 'string-list'],
      ['exclude_authrole', 'string-list'],
      ['eligible', 'id-list'],
      ['eligible_authid', 'string-list'],
      ['eligible_authrole', 'string-list'],
      ['disclose_me', 'bool'],
      ['retain', 'bool'],
      ...ROUTED,
      ...PASSTHRU,
    ]),
  ],
  [MessageCode.SUBSCRIBE, new Map<string, OptionKind>([['match', 'match'], ['get_retained', 'bool'], ...ROUTED])],
  [
    MessageCode.EVENT,
    new Map<string, OptionKind>([
      ['publisher', 'id'],
      ['publisher_authid', 'string'],
      ['publisher_authrole', 'string'],
      ['topic', 'string'],
      ['retained', 'bool'],
      ['trustlevel', 'integer'],
      ['x_acknowledged_delivery', 'bool'],
      ...ROUTED,
      ...PASSTHRU,
    ]),
  ],
  [
    MessageCode.CALL,
    new Map<string, OptionKind>([
      ['receive_progress', 'bool'],
      ['progress', 'bool'],
      ['timeout', 'integer'],
      ['disclose_me', 'bool'],
      ...ROUTED,
      ...PASSTHRU,
    ]),
  ],
  [MessageCode.CANCEL, new Map<string, OptionKind>([['mode', 'cancel-mode']])],
  [MessageCode.RESULT, new Map<string, OptionKind>([['progress', 'bool'], ...PASSTHRU])],
  [
    MessageCode.REGISTER,
    new Map<string, OptionKind>([['match', 'match'], ['invoke', 'invoke'], ['disclose_caller', 'bool'], ...ROUTED]),
  ],
  [
    MessageCode.INVOCATION,
    new Map<string, OptionKind>([
      ['receive_progress', 'bool'],
      ['progress', 'bool'],
      ['timeout', 'integer'],
      ['caller', 'id'],
      ['caller_authid', 'string'],
      ['caller_authrole', 'string'],
      ['procedure', 'string'],
      ['trustlevel', 'integer'],
      ...ROUTED,
      ...PASSTHRU,
    ]),
  ],
  [
    MessageCode.INTERRUPT,
    new Map<string, OptionKind>([
      ['mode', 'cancel-mode'],
      ['reason', 'string'],
    ]),
  ],
  [MessageCode.YIELD, new Map<string, OptionKind>([['progress', 'bool'], ...PASSTHRU])],
]);

/** What a value of `kind` must be, in words for the violation message; undefined when `value` fits. */
export function checkOptionKind(kind: OptionKind, value: unknown): string | undefined {
  switch (kind) {
    case 'bool':
      return typeof value === 'boolean' ? undefined : 'a bool';
    case 'string':
      return typeof value === 'string' ? undefined : 'a string';
    case 'id':
      return isId(value) ? undefined : 'an integer ID';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? undefined : 'a non-negative integer';
    case 'dict':
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? undefined : 'a dict';
    case 'list':
      return Array.isArray(value) ? undefined : 'a list';
    case 'id-list':
      return Array.isArray(value) && value.every(isId) ? undefined : 'a list of integer IDs';
    case 'string-list':
      return Array.isArray(value) && value.every((item) => typeof item === 'string') ? undefined : 'a list of strings';
    case 'match':
      return value === 'exact' || value === 'prefix' || value === 'wildcard'
        ? undefined
        : 'one of "exact", "prefix", "wildcard"';
    case 'invoke':
      return value === 'single' || value === 'roundrobin' || value === 'random' || value === 'first' || value === 'last'
        ? undefined
        : 'one of "single", "roundrobin", "random", "first", "last"';
    case 'cancel-mode':
      return value === 'skip' || value === 'kill' || value === 'killnowait'
        ? undefined
        : 'one of "skip", "kill", "killnowait"';
  }
}
