/** Where a command writes; the process streams in production, buffers in tests. */
export interface Output {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

export const processOutput: Output = { stdout: process.stdout, stderr: process.stderr };
