/**
 * The MessagePack serializer for `Session.connect({ serializers: [msgpack] })`; imported on its own so bundles
 * that do not use it leave it out.
 *
 * @example
 * ```ts
 * import { msgpack } from '@wamp/client/msgpack';
 * ```
 */
export { msgpackSerializer as msgpack } from '@wamp/protocol/msgpack';
