import { emptyTally, runClient, type ClientConfig } from './soak-traffic.js';

/**
 * One soak client process: `node dist/test/soak/client.js CONFIG_JSON`. Writes a progress line
 * (JSON) every two seconds and its whole tally as the last line.
 */
const config = JSON.parse(process.argv[2]) as ClientConfig;
const tally = emptyTally();
const progress = setInterval(() => {
  const rejected = Object.values(tally.rejections).reduce((a, b) => a + b, 0);
  const unexpected = Object.values(tally.unexpected).reduce((a, b) => a + b, 0);
  process.stdout.write(`${JSON.stringify({ progress: { commands: tally.commands, queries: tally.queries, rejected, unexpected } })}\n`);
}, 2_000);
try {
  await runClient(config, tally);
} finally {
  clearInterval(progress);
  process.stdout.write(`${JSON.stringify({ done: tally })}\n`);
}
