/**
 * The CBOR serializer for `Session.connect({ serializers: [cbor] })`; imported on its own so bundles that do not
 * use it leave it out.
 *
 * @example
 * ```ts
 * import { cbor } from '@wamp/client/cbor';
 * ```
 */
export { cborSerializer as cbor } from '@wamp/protocol/cbor';
