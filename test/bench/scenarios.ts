import { alertsBench } from './alerts-bench.js';
import { auditCheckpointsBench } from './audit-checkpoints-bench.js';
import { appendsBench } from './appends-bench.js';
import type { BenchFamily } from './bench-family.js';
import { consoleBench } from './console-bench.js';
import { licenseListsBench } from './license-lists-bench.js';
import { partitionsBench } from './partitions-bench.js';
import { readSideBench } from './read-side-bench.js';
import { replaysBench } from './replays-bench.js';
import { restartBench } from './restart-bench.js';
import { writeSideBench } from './write-side-bench.js';

/**
 * The scenarios of `npm run bench`, by family, in the order they run: each family is written in its
 * own module (its scenarios, options, results file and table); add one here and run.ts selects, runs
 * and lists it in `--help`.
 */
export const BENCH_FAMILIES: readonly BenchFamily[] = [
  writeSideBench,
  appendsBench,
  alertsBench,
  readSideBench,
  consoleBench,
  restartBench,
  replaysBench,
  auditCheckpointsBench,
  licenseListsBench,
  partitionsBench,
];
