// `wamp sessions`, `wamp registrations`, `wamp subscriptions`: the meta API's view of the realm, as a table or as
// JSON lines.
import { type Command, type CommandContext, withSession } from '../command.js';
import { ExitCode, UsageError } from '../errors.js';
import { listRegistrations, listSessions, listSubscriptions } from '../meta.js';
import type { Column } from '../output.js';

const NOTE = `The router must let this session call the meta procedures (ours does on a realm without roles; with
roles, allow the role to call "wamp.session." etc. with match prefix).`;

function noArguments(context: CommandContext): void {
  if (context.positionals.length > 0) {
    throw new UsageError(`wamp ${context.name} takes no arguments, got "${context.positionals[0]}"`, context.name);
  }
}

/** `wamp sessions`: the realm's other sessions, from `wamp.session.list` and `get`. */
export const sessions: Command = {
  name: 'sessions',
  summary: "list the realm's sessions (meta API)",
  help: `Usage: wamp sessions [options]

Lists the sessions of the realm, but this one, through wamp.session.list and wamp.session.get: one JSON line per
session (what wamp.session.get answers) when piped, a table on a terminal. ${NOTE}

Examples:
  wamp sessions --realm realm1
  wamp sessions --json | jq -r 'select(.authrole == "backend") | .session'`,
  options: {},
  async run(context) {
    noArguments(context);
    return withSession(context, { reconnect: false }, async (session) => {
      const { entries: found } = await listSessions(session);
      const rows = found.map((entry) => ({
        ...entry,
        serializer: entry.transport?.protocol,
        peer: entry.transport?.peer,
      }));
      const columns: Column[] = [
        { key: 'session', heading: 'SESSION', align: 'right' },
        { key: 'authid', heading: 'AUTHID' },
        { key: 'authrole', heading: 'AUTHROLE' },
        { key: 'authmethod', heading: 'AUTHMETHOD' },
        { key: 'serializer', heading: 'SERIALIZER' },
        { key: 'peer', heading: 'PEER' },
      ];
      await context.output.rows(columns, context.output.json ? found : rows, 'no other sessions');
      return ExitCode.OK;
    });
  },
};

/** `wamp registrations`: the realm's registrations and their callees. */
export const registrations: Command = {
  name: 'registrations',
  summary: "list the realm's registrations and their callees (meta API)",
  help: `Usage: wamp registrations [options]

Lists the registrations of the realm through wamp.registration.list, get and list_callees: one JSON line per
registration ({"id", "uri", "match", "invoke", "created", "callees": [session IDs]}) when piped, a table on a
terminal. ${NOTE}

Examples:
  wamp registrations
  wamp registrations --json | jq -r '.uri'`,
  options: {},
  async run(context) {
    noArguments(context);
    return withSession(context, { reconnect: false }, async (session) => {
      const columns: Column[] = [
        { key: 'id', heading: 'ID', align: 'right' },
        { key: 'uri', heading: 'URI' },
        { key: 'match', heading: 'MATCH' },
        { key: 'invoke', heading: 'INVOKE' },
        { key: 'callees', heading: 'CALLEES' },
        { key: 'created', heading: 'CREATED' },
      ];
      await context.output.rows(columns, (await listRegistrations(session)).entries, 'no registrations');
      return ExitCode.OK;
    });
  },
};

/** `wamp subscriptions`: the realm's subscriptions and their subscribers. */
export const subscriptions: Command = {
  name: 'subscriptions',
  summary: "list the realm's subscriptions and their subscribers (meta API)",
  help: `Usage: wamp subscriptions [options]

Lists the subscriptions of the realm through wamp.subscription.list, get and list_subscribers: one JSON line per
subscription ({"id", "uri", "match", "created", "subscribers": [session IDs]}) when piped, a table on a terminal.
${NOTE}

Examples:
  wamp subscriptions
  wamp subscriptions --json | jq 'select(.subscribers | length > 10)'`,
  options: {},
  async run(context) {
    noArguments(context);
    return withSession(context, { reconnect: false }, async (session) => {
      const columns: Column[] = [
        { key: 'id', heading: 'ID', align: 'right' },
        { key: 'uri', heading: 'URI' },
        { key: 'match', heading: 'MATCH' },
        { key: 'subscribers', heading: 'SUBSCRIBERS' },
        { key: 'created', heading: 'CREATED' },
      ];
      await context.output.rows(columns, (await listSubscriptions(session)).entries, 'no subscriptions');
      return ExitCode.OK;
    });
  },
};
