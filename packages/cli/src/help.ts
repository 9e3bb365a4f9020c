// The help texts of the tool: the list of commands, and the connection options every command shares.
import type { Command } from './command.js';
import { DEFAULT_REALM, DEFAULT_URL } from './settings.js';

/** The connection options, appended to every command's `--help`. */
export const CONNECTION_HELP = `Connection options (each also from the variable WAMP_<FLAG>, e.g. WAMP_URL, WAMP_SECRET_FILE, or a profile;
a flag wins over its variable, a variable over the profile):
  --url URL               the router's WebSocket URL (default ${DEFAULT_URL})
  --realm REALM           the realm to join (default ${DEFAULT_REALM})
  --serializer NAME       json (default), cbor or msgpack
  --auth METHOD           anonymous (default), ticket, wampcra, scram or cryptosign
  --authid ID             who to authenticate as (needed for ticket, wampcra and scram)
  --authrole ROLE         the role to ask for
  --secret-file FILE      read the secret from FILE: the ticket, the WAMP-CRA secret, the SCRAM password, or the
                          cryptosign private key (64 hex digits)
  --secret SECRET         the secret itself (other users may see it in \`ps\`: prefer --secret-file or WAMP_SECRET)
  --profile NAME          take the flags above from profile NAME (default: the profile "default", if there is one)
  --profiles FILE         the profiles file (default ~/.config/wamp/profiles.json)
  --connect-timeout SECS  give up connecting after SECS seconds (default 10)
  --json                  print JSON lines even on a terminal (they are the default when stdout is piped)
  -h, --help              show this help
`;

/** Exit codes, in the tool's help. */
const EXIT_CODES = `Exit codes: 0 done, 1 a WAMP error (its URI and arguments on stderr), 2 a usage error, 3 could not connect
(or lost the router), 130 or 143 interrupted by Ctrl-C or SIGTERM.`;

/**
 * The tool's `--help`: its commands, each with its summary.
 *
 * @example
 * ```ts
 * process.stdout.write(toolHelp(COMMANDS));
 * ```
 */
export function toolHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const list = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n');
  return `Usage: wamp COMMAND [ARGS] [options]

A WAMP v2 client for the terminal.

Commands:
${list}

Run "wamp COMMAND --help" for a command's arguments and options. "wamp --version" prints the version.

${CONNECTION_HELP}
${EXIT_CODES}
`;
}

/**
 * A command's `--help`: its own text, then the connection options.
 *
 * @example
 * ```ts
 * process.stdout.write(commandHelp(call));
 * ```
 */
export function commandHelp(command: Command): string {
  return `${command.help.trimEnd()}\n\n${CONNECTION_HELP}`;
}
