import type { Output } from '../../apps/cli/src/output.js';

/** CLI output captured in memory, for tests of `runCli`. */
export function captureOutput(): Output & { out: () => string; err: () => string; lastLine: () => string } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout: { write: (text: string) => stdout.push(text) },
    stderr: { write: (text: string) => stderr.push(text) },
    out: () => stdout.join(''),
    err: () => stderr.join(''),
    lastLine: () => stdout.join('').trimEnd().split('\n').pop() ?? '',
  };
}
