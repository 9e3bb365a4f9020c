// `wamp publish URI [ARG...] [--kwargs JSON] [--acknowledge]`: one event.
import { type Command, withSession } from '../command.js';
import { ExitCode, UsageError } from '../errors.js';
import { parseArgument, parseKwargs } from '../payload.js';

/** `wamp publish URI [ARG...]`: one event, acknowledged with `--acknowledge`. */
export const publish: Command = {
  name: 'publish',
  summary: 'publish an event to a topic',
  help: `Usage: wamp publish URI [ARG...] [--kwargs JSON] [--acknowledge] [options]

Publishes an event to the topic URI. Each ARG is sent as JSON when it parses as JSON, else as a string, as with
"wamp call". Without --acknowledge the event is sent and the session leaves; the router delivers it all the same.

Options:
  --kwargs JSON           keyword arguments, a JSON object
  --acknowledge           wait for the router to accept the publication (PUBLISHED); a refusal (not authorized,
                          invalid URI) is then a WAMP error, exit 1
  --retain                ask the router to keep the event for later subscribers (event retention)
  --include-me            deliver the event to this session too, were it subscribed (exclude_me: false)

Examples:
  wamp publish com.example.chat "hello everyone"
  wamp publish com.example.reading 21.5 --kwargs '{"unit": "C"}' --acknowledge`,
  options: {
    kwargs: { type: 'string' },
    acknowledge: { type: 'boolean' },
    retain: { type: 'boolean' },
    'include-me': { type: 'boolean' },
  },
  async run(context) {
    const [topic, ...rest] = context.positionals;
    if (topic === undefined) throw new UsageError('wamp publish needs the topic URI', 'publish');
    const args = rest.map(parseArgument);
    const kwargs = parseKwargs(context.values, 'publish');
    const { acknowledge, retain } = context.values;
    return withSession(context, { reconnect: false }, async (session) => {
      await session.raw.publish(topic, args, {
        ...(kwargs !== undefined && { kwargs }),
        ...(acknowledge === true && { acknowledge: true }),
        ...(retain === true && { retain: true }),
        ...(context.values['include-me'] === true && { exclude_me: false }),
      });
      return ExitCode.OK;
    });
  },
};
