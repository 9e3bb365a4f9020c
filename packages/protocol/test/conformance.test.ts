// The wamp-proto conformance vectors, vendored in fixtures/wamp-proto-testsuite (source and licence in its
// README). Every sample is decoded with our serializers, parsed, and compared with the vector's expected
// attributes; then re-encoded by us and decoded again.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ProtocolViolation, parseMessage, type Serializer } from '../src/index.js';
import { cborSerializer } from '../src/serializers/cbor.js';
import { jsonSerializer } from '../src/serializers/json.js';
import { msgpackSerializer } from '../src/serializers/msgpack.js';

const SUITE = fileURLToPath(new URL('./fixtures/wamp-proto-testsuite/singlemessage/', import.meta.url));
const SERIALIZERS: Record<string, Serializer> = {
  json: jsonSerializer,
  cbor: cborSerializer,
  msgpack: msgpackSerializer,
};

/** Where each expected attribute sits in the message tuple, per message type code. */
const POSITIONS: Record<number, Record<string, number>> = {
  1: { realm: 1, details: 2 },
  2: { session_id: 1, details: 2 },
  3: { details: 1, reason: 2, args: 3, kwargs: 4 },
  4: { method: 1, extra: 2 },
  5: { signature: 1, extra: 2 },
  6: { details: 1, reason: 2 },
  8: { request_type: 1, request_id: 2, details: 3, error: 4, args: 5, kwargs: 6 },
  16: { request_id: 1, options: 2, topic: 3, args: 4, kwargs: 5 },
  17: { request_id: 1, publication_id: 2 },
  32: { request_id: 1, options: 2, topic: 3 },
  33: { request_id: 1, subscription_id: 2 },
  34: { request_id: 1, subscription_id: 2 },
  35: { request_id: 1, details: 2 },
  36: { subscription: 1, publication: 2, details: 3, args: 4, kwargs: 5 },
  48: { request_id: 1, options: 2, procedure: 3, args: 4, kwargs: 5 },
  49: { request_id: 1, options: 2 },
  50: { request_id: 1, details: 2, args: 3, kwargs: 4 },
  64: { request_id: 1, options: 2, procedure: 3 },
  65: { request_id: 1, registration_id: 2 },
  66: { request_id: 1, registration_id: 2 },
  67: { request_id: 1, details: 2 },
  68: { request_id: 1, registration_id: 2, details: 3, args: 4, kwargs: 5 },
  69: { request_id: 1, options: 2 },
  70: { request_id: 1, options: 2, args: 3, kwargs: 4 },
};

interface Sample {
  description: string;
  serializers?: Record<string, { bytes_hex: string }[]>;
  expected_attributes?: Record<string, unknown>;
  wmsg?: unknown[];
  expected_error?: { type: string; contains: string } | null;
}

interface VectorFile {
  wamp_message_code: number;
  samples: Sample[];
}

function hexToBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

function frameOf(serializer: Serializer, hex: string): string | Uint8Array {
  const bytes = hexToBytes(hex);
  return serializer.binary ? bytes : new TextDecoder().decode(bytes);
}

/** Byte arrays compare by content whatever their class (Buffer or Uint8Array). */
function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return { bytes: Array.from(value) };
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

/** Vectors whose payload element is a bare byte string: autobahn-python's legacy E2EE "transparent payload". */
function hasTransparentPayload(sample: Sample): boolean {
  const payload = sample.expected_attributes?.payload;
  // In both PUBLISH and EVENT the payload element is the fifth.
  return (payload !== undefined && payload !== null) || typeof sample.wmsg?.[4] === 'string';
}

function loadVectors(): [string, VectorFile][] {
  return ['basic', 'advanced'].flatMap((profile) =>
    readdirSync(`${SUITE}${profile}`)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name): [string, VectorFile] => [
        `${profile}/${name}`,
        JSON.parse(readFileSync(`${SUITE}${profile}/${name}`, 'utf8')) as VectorFile,
      ]),
  );
}

const FILES = loadVectors();

describe('wamp-proto conformance vectors', () => {
  it('are present and cover every basic profile message', () => {
    const codes = new Set(FILES.map(([, file]) => file.wamp_message_code));
    for (const code of [1, 2, 3, 4, 5, 6, 8, 16, 17, 32, 33, 34, 35, 36, 48, 50, 64, 65, 66, 67, 68, 70]) {
      expect(codes.has(code), `message code ${code}`).toBe(true);
    }
  });

  for (const [file, vectors] of FILES) {
    describe(file, () => {
      vectors.samples.forEach((sample, index) => {
        const label = `#${index} ${sample.description}`;
        if (sample.wmsg !== undefined) {
          it(`${label}: validation of ${JSON.stringify(sample.wmsg).slice(0, 80)}`, () => {
            if (hasTransparentPayload(sample)) {
              // Deliberate divergence: the current spec carries end-to-end encrypted payload inside
              // Arguments|list (payload passthru mode), so a bare byte string there is refused.
              expect(() => parseMessage(sample.wmsg)).toThrow(/Arguments\|list must be a list/);
            } else if (sample.expected_error) {
              expect(sample.expected_error.type).toBe('protocol_violation');
              expect(() => parseMessage(sample.wmsg)).toThrow(ProtocolViolation);
              expect(() => parseMessage(sample.wmsg)).toThrow(sample.expected_error.contains);
            } else {
              expect(parseMessage(sample.wmsg)).toBe(sample.wmsg);
            }
          });
          return;
        }
        for (const [name, serializer] of Object.entries(SERIALIZERS)) {
          (sample.serializers?.[name] ?? []).forEach((encoding, variant) => {
            it(`${label} [${name} #${variant}]`, () => {
              const decoded = serializer.decode(frameOf(serializer, encoding.bytes_hex));
              const positions = POSITIONS[vectors.wamp_message_code];
              if (positions === undefined) {
                // Implementation-specific extension messages (codes 256-1023) are not part of our protocol.
                expect(vectors.wamp_message_code).toBeGreaterThanOrEqual(256);
                expect(() => parseMessage(decoded)).toThrow(ProtocolViolation);
                return;
              }
              if (hasTransparentPayload(sample)) {
                expect(() => parseMessage(decoded)).toThrow(/Arguments\|list must be a list/);
                return;
              }
              const message = parseMessage(decoded) as unknown[];
              const expected = sample.expected_attributes ?? {};
              expect(message[0]).toBe(expected.message_type);
              for (const [attribute, value] of Object.entries(expected)) {
                // `payload: null` marks the absence of a legacy transparent payload.
                if (attribute === 'message_type' || (attribute === 'payload' && value === null)) continue;
                const position = attribute === 'roles' ? undefined : positions[attribute];
                const actual =
                  attribute === 'roles'
                    ? (
                        message[vectors.wamp_message_code === 1 || vectors.wamp_message_code === 2 ? 2 : -1] as {
                          roles: unknown;
                        }
                      ).roles
                    : message[position as number];
                expect(position !== undefined || attribute === 'roles', `attribute ${attribute} is mapped`).toBe(true);
                if (value === null && (attribute === 'args' || attribute === 'kwargs')) {
                  // `null` means absent, or empty when a later element forces its presence.
                  expect(
                    actual === undefined ||
                      (Array.isArray(actual) ? actual.length === 0 : Object.keys(actual as object).length === 0),
                  ).toBe(true);
                } else {
                  expect(plain(actual), attribute).toEqual(plain(value));
                }
              }
              const again = serializer.decode(serializer.encode(message as never));
              expect(plain(again)).toEqual(plain(decoded));
            });
          });
        }
      });
    });
  }
});
