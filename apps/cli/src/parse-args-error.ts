/** Whether `node:util` parseArgs refused the arguments (unknown flag, missing value…): a usage error. */
export function isParseArgsError(error: unknown): boolean {
  return typeof (error as { code?: unknown })?.code === 'string' && (error as { code: string }).code.startsWith('ERR_PARSE_ARGS_');
}
