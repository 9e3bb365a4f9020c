// `pnpm start`: builds what the demo needs with turbo, showing a line per package as it builds, then runs the
// demo in this process, so that Ctrl-C reaches the demo's own clean shutdown and `pnpm start` exits 0.
// Arguments after `pnpm start` go to the demo (`pnpm start --port 9000`).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
/** Turbo prefixes every line of a task's output with `package:task: `. */
const TASK_LINE = /^(@?[\w./-]+):build: (.*)$/;

function build() {
  process.stdout.write('wamp demo: building the packages and the page (a first build takes about a minute)\n');
  const turbo = spawn('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=@wamp/demo...', '--output-logs=full'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  // Everything turbo says is kept, and shown only if the build fails.
  const transcript = [];
  const seen = new Set();
  let cached = 0;
  const onLine = (line) => {
    transcript.push(line);
    const task = TASK_LINE.exec(line);
    if (task === null || seen.has(task[1])) return;
    seen.add(task[1]);
    const fromCache = task[2].startsWith('cache hit');
    if (fromCache) cached++;
    process.stdout.write(`  ${task[1].padEnd(18)} ${fromCache ? 'up to date' : 'building…'}  (${elapsed()})\n`);
  };
  createInterface({ input: turbo.stdout }).on('line', onLine);
  createInterface({ input: turbo.stderr }).on('line', onLine);
  return new Promise((resolve) => {
    turbo.once('exit', (code, signal) => {
      if (code === 0) {
        const fresh = seen.size - cached;
        process.stdout.write(`  built ${fresh} of ${seen.size} packages in ${elapsed()}\n`);
        return resolve(true);
      }
      const interrupted = signal !== null || code === 130;
      if (!interrupted) process.stderr.write(`${transcript.join('\n')}\nwamp demo: the build failed\n`);
      resolve(false);
    });
  });
}

// Ctrl-C reaches turbo as well (same process group); while it builds, this process only waits for it.
const ignoreInterrupt = () => {};
process.on('SIGINT', ignoreInterrupt);
const built = await build();
process.off('SIGINT', ignoreInterrupt);
if (built) await import('../apps/demo/dist-server/server/main.js');
else process.exitCode = 1;
