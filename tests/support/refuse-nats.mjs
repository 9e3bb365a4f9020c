// `node --import` this file to make every `@nats-io/*` package unloadable in that process: a router that
// never needs the NATS client runs as usual, one that does fails with this hook's message.
import { register } from 'node:module';

const hooks = `
export async function resolve(specifier, context, next) {
  if (specifier.startsWith('@nats-io/')) throw new Error('refused to load ' + specifier + ' (tests/support/refuse-nats.mjs)');
  return next(specifier, context);
}`;

register(`data:text/javascript,${encodeURIComponent(hooks)}`);
