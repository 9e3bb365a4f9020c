// The error thrown when a serializer's optional peer dependency is not installed.
import type { Subprotocol } from '../serializer.js';

/** True for the error of an `import()` that found no package named `name` (Node's, and Bun's). */
function isMissingPackage(error: unknown, name: string): boolean {
  return (
    error instanceof Error &&
    (error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND' &&
    error.message.includes(`'${name}'`)
  );
}

/**
 * The rejection handler for the `import()` of an optional peer dependency: when the package is not installed,
 * an error that says which one to install instead of a bare ERR_MODULE_NOT_FOUND; any other failure as it was.
 *
 * @example
 * ```ts
 * const { Packr } = await import('msgpackr').catch(missingPeer('msgpackr', 'wamp.2.msgpack'));
 * ```
 */
export function missingPeer(name: string, subprotocol: Subprotocol): (error: unknown) => never {
  return (error) => {
    if (!isMissingPackage(error, name)) throw error;
    throw new Error(
      `the ${subprotocol} serializer needs the ${name} package, which is not installed: npm install ${name} ` +
        '(an optional peer dependency of @wamp/protocol and @wamp/client)',
      { cause: error },
    );
  };
}
