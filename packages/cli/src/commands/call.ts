// `wamp call URI [ARG...] [--kwargs JSON]`: one call, its result printed.
import { secondsFlag } from '../args.js';
import { type Command, withSession } from '../command.js';
import { ExitCode, UsageError } from '../errors.js';
import { toJson } from '../output.js';
import { parseArgument, parseKwargs } from '../payload.js';

/** `wamp call URI [ARG...]`: one call, its result printed. */
export const call: Command = {
  name: 'call',
  summary: 'call a procedure and print its result',
  help: `Usage: wamp call URI [ARG...] [--kwargs JSON] [options]

Calls the procedure URI and prints its result. Each ARG is sent as JSON when it parses as JSON, else as a string:
"wamp call com.example.add 40 2" sends [40, 2], "wamp call com.example.echo hello" sends ["hello"]. A negative
number is an argument too. Quote an argument to keep it a string: '"42"'.

Piped, or with --json, the result is one JSON line {"args": [...], "kwargs": {...}}. On a terminal, a single
result is printed as indented JSON, and several with their kwargs.

Options:
  --kwargs JSON           keyword arguments, a JSON object: --kwargs '{"verbose": true}'
  --timeout SECS          give up after SECS seconds (also sent to the router, which cancels the call if it can)

Examples:
  wamp call com.example.add 40 2
  wamp call com.example.search rust --kwargs '{"limit": 5}' | jq '.args[0]'
  wamp call wamp.session.count --realm admin`,
  options: {
    kwargs: { type: 'string' },
    timeout: { type: 'string' },
  },
  async run(context) {
    const [procedure, ...rest] = context.positionals;
    if (procedure === undefined) throw new UsageError('wamp call needs the procedure URI', 'call');
    const args = rest.map(parseArgument);
    const kwargs = parseKwargs(context.values, 'call');
    const timeout = secondsFlag(context.values, 'timeout', 'call');
    return withSession(context, { reconnect: false }, async (session) => {
      const result = await session.raw.call(procedure, args, {
        signal: context.stop,
        ...(kwargs !== undefined && { kwargs }),
        ...(timeout !== undefined && { timeout }),
      });
      const { output } = context;
      if (output.json) {
        await output.line({ args: result.args, kwargs: result.kwargs });
      } else if (Object.keys(result.kwargs).length === 0) {
        if (result.args.length === 1) await output.write(`${toJson(result.args[0], 2)}\n`);
        else if (result.args.length > 1) await output.write(`${toJson(result.args, 2)}\n`);
      } else {
        await output.write(`args:   ${toJson(result.args)}\nkwargs: ${toJson(result.kwargs, 2)}\n`);
      }
      return ExitCode.OK;
    });
  },
};
