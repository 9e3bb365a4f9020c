// `wamp subscribe URI`: each event as a JSON line, until Ctrl-C, SIGTERM or --count events.
import { choiceFlag, integerFlag } from '../args.js';
import { type Command, watchConnection, withSession } from '../command.js';
import { ExitCode, UsageError } from '../errors.js';

/** Events waiting for a slow stdout; past this the oldest are dropped (and counted on stderr at the end). */
const BUFFER = 10_000;

/** `wamp subscribe URI`: the topic's events as JSON lines until stopped. */
export const subscribe: Command = {
  name: 'subscribe',
  summary: 'print the events of a topic as JSON lines',
  help: `Usage: wamp subscribe URI [--match prefix|wildcard] [--count N] [options]

Subscribes to the topic URI and prints each event as one JSON line, {"args": [...], "kwargs": {...}, "details":
{...}} (details.topic names the topic of a pattern subscription), until Ctrl-C or SIGTERM, or until --count
events. A line on stderr says when the subscription is in place. The session reconnects if the router goes away,
and subscribes again. When stdout is slower than the events, at most ${BUFFER} wait; older ones are dropped and
counted on stderr.

Options:
  --match POLICY          exact (default), prefix (URI is a prefix of the topics), or wildcard (empty URI
                          components match any: com.example..update)
  --count N               exit after N events
  --retained              first receive the event the router retained for the topic, if any

Examples:
  wamp subscribe com.example.chat
  wamp subscribe com.example. --match prefix | jq -c '[.details.topic, .args]'
  wamp subscribe wamp.session.on_join --count 1`,
  options: {
    match: { type: 'string' },
    count: { type: 'string' },
    retained: { type: 'boolean' },
  },
  async run(context) {
    const [topic, ...extra] = context.positionals;
    if (topic === undefined) throw new UsageError('wamp subscribe needs the topic URI', 'subscribe');
    if (extra.length > 0) throw new UsageError(`wamp subscribe takes one topic, got also "${extra[0]}"`, 'subscribe');
    const match = choiceFlag(context.values, 'match', 'subscribe', ['exact', 'prefix', 'wildcard'] as const);
    const count = integerFlag(context.values, 'count', 'subscribe', 1);
    return withSession(context, { reconnect: true }, async (session) => {
      const lost = watchConnection(session, context);
      const stream = session.raw.events(topic, {
        ...(match !== undefined && match !== 'exact' && { match }),
        ...(context.values.retained === true && { get_retained: true }),
        buffer: BUFFER,
        overflow: 'drop-oldest',
        signal: context.stop,
      });
      await stream.ready;
      context.stderr.write(`wamp: subscribed to ${topic}${match === undefined ? '' : ` (${match})`}\n`);
      let received = 0;
      try {
        for await (const { args, kwargs, details } of stream) {
          await context.output.line({ args, kwargs, details });
          if (++received === count) return ExitCode.OK;
        }
      } catch (error) {
        if (!context.stop.aborted) throw error;
        return ExitCode.OK;
      } finally {
        if (stream.dropped > 0) context.stderr.write(`wamp: ${stream.dropped} events dropped: stdout was too slow\n`);
      }
      // The stream ends by itself only when the session ended for good.
      throw await lost;
    });
  },
};
