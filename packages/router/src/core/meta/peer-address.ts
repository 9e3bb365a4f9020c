// Who may see other sessions' peer addresses in the meta API, and the answers trimmed for everyone else.
import { isDict } from '@wamp/protocol';
import type { MetaAnswer } from '../fabric.js';
import type { Permissions } from '../permissions.js';
import type { RouterSession } from '../session.js';

/**
 * The permission that lets a session see other sessions' peer addresses (`transport.peer` in `wamp.session.get`):
 * `call` on this URI, granted to a role like any procedure (a role granted every URI has it too). No procedure
 * of that name exists; it names the permission. On a realm without roles nobody has it, as nobody there may
 * kill or remove others' state (see `openRealmVerdict`): an address is personal data and a target.
 */
export const PEER_ADDRESS_PERMISSION = 'wamp.session.peer_address';

/** The meta procedures whose answers carry a session's transport details. */
const DESCRIBING_PROCEDURES: ReadonlySet<string> = new Set(['wamp.session.get']);

/** The session description without the peer address; everything else stays. */
function withoutPeer(description: unknown): unknown {
  if (!isDict(description) || !isDict(description.transport)) return description;
  const { peer: _hidden, ...transport } = description.transport;
  return { ...description, transport };
}

/**
 * Shows a peer's address only to callers allowed to see it. The answer is made in full (in a cluster, by any node)
 * and trimmed on the caller's node, which knows the caller's role.
 *
 * @example
 * ```ts
 * const peers = new PeerAddresses(realm.authorizer);
 * const answer = await peers.trim('wamp.session.get', caller, { result: [description] });
 * ```
 */
export class PeerAddresses {
  constructor(private readonly authorizer: Permissions | null) {}

  /**
   * The answer as `caller` may see it: peer addresses removed unless its role has {@link PEER_ADDRESS_PERMISSION}.
   * A promise when a dynamic authorizer decides.
   */
  trim(procedure: string, caller: RouterSession | undefined, answer: MetaAnswer): MetaAnswer | Promise<MetaAnswer> {
    if (!DESCRIBING_PROCEDURES.has(procedure) || !('result' in answer)) return answer;
    const hidden: MetaAnswer = { result: answer.result.map(withoutPeer) };
    if (this.authorizer === null || caller === undefined) return hidden;
    const verdict = this.authorizer.check(caller, 'call', PEER_ADDRESS_PERMISSION);
    if (!(verdict instanceof Promise)) return verdict === 'deny' ? hidden : answer;
    return verdict.then(
      (decided) => (decided === 'deny' ? hidden : answer),
      () => hidden,
    );
  }
}
