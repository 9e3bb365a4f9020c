// A micro-benchmark of parseMessage, the check every inbound message goes through: 1M messages a run (CALL,
// PUBLISH, YIELD and EVENT, decoded from JSON frames), 3 warm-up runs, then the median and best of 15.
// Run it on the built package: `pnpm --filter @wamp/protocol build && node packages/protocol/bench/parse.mjs`,
// or on another build of parse.js by passing its path.
import { pathToFileURL } from 'node:url';

const target = process.argv[2] ?? new URL('../dist/parse.js', import.meta.url).href;
const { parseMessage } = await import(target.startsWith('file:') ? target : pathToFileURL(target).href);

const messages = [];
for (let i = 0; i < 1000; i++) {
  const id = i + 1;
  const frames = [
    [48, id, i % 3 === 0 ? { receive_progress: true, timeout: 1000 } : {}, 'com.example.add', [i, 2]],
    [16, id, { acknowledge: true }, 'com.example.tick', [i], { k: 'v' }],
    [70, id, {}, [i * 2]],
    [36, id, id + 7, {}, [i], { k: 'v' }],
  ];
  for (const frame of frames) messages.push(JSON.parse(JSON.stringify(frame)));
}

const N = 1_000_000;
let sink = 0;
function run() {
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) sink += parseMessage(messages[i % messages.length]).length;
  return Number(process.hrtime.bigint() - start) / N;
}

for (let i = 0; i < 3; i++) run();
const samples = Array.from({ length: 15 }, run).sort((a, b) => a - b);
const median = samples[7];
console.log(
  `parseMessage: median ${median.toFixed(1)} ns/message (${(1000 / median).toFixed(1)} M/s), best ${samples[0].toFixed(1)} ns`,
);
if (sink === 0) throw new Error('nothing parsed');
