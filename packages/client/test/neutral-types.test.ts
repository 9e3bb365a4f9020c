// A browser app must type-check the client's declarations without @types/node, also under
// `moduleResolution: "nodenext"`, which resolves '@wamp/transport' to the Node entry and its Node types. So the
// transport's types reach the client through src/neutral-transport.ts (the browser entry); only `connect`, the
// one value that differs between Node and browsers, comes from '@wamp/transport'.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

it("takes nothing but connect from '@wamp/transport'", () => {
  const imports = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .flatMap((file) =>
      [...readFileSync(`${SRC}${file}`, 'utf8').matchAll(/^(?:import|export)[^;]*from '@wamp\/transport';/gm)].map(
        ([statement]) => `${file}: ${statement}`,
      ),
    );
  expect(imports).toEqual(["open-transport.ts: import { connect } from '@wamp/transport';"]);
});
