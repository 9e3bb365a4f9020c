// `node --import` this file to make the OpenTelemetry SDK unloadable in that process, as where it is not installed
// (the router's optional peer dependencies): a router that never exports traces runs as usual, one that does
// fails on that very load.
import { register } from 'node:module';

const hooks = `
const SDK = /^@opentelemetry\\/(sdk-|exporter-|resources)/;
export async function resolve(specifier, context, next) {
  if (SDK.test(specifier)) {
    const error = new Error('refused to load ' + specifier + ' (tests/support/refuse-otel-sdk.mjs)');
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return next(specifier, context);
}`;

register(`data:text/javascript,${encodeURIComponent(hooks)}`);
