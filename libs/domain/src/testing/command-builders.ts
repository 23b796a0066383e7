import type { CommandType, LedgerCommand } from '../commands.js';

/** The command of a type. */
export type CommandOf<T extends CommandType> = Extract<LedgerCommand, { type: T }>;
/** What a command of a type carries besides its type, account and instant. */
export type FieldsOf<T extends CommandType> = Omit<CommandOf<T>, 'type' | 'accountId' | 'at'>;
/** The fields argument of a builder: optional when the command has no required field. */
export type FieldsArgument<T extends CommandType> = {} extends FieldsOf<T> ? [FieldsOf<T>?] : [FieldsOf<T>];
/** Builds a command of one account; its fields are checked against the command's type. */
export type CommandBuilder = <T extends CommandType>(type: T, at: string, ...fields: FieldsArgument<T>) => CommandOf<T>;

/**
 * Typed command builders for tests: `const c = commandsOf('acme'); c('AssignSeat', at, { product: 'KSE', userId: 'u1' })`.
 * A wrong field or a missing one does not compile (no `as unknown as LedgerCommand` at the call site).
 */
export function commandsOf(accountId: string): CommandBuilder {
  return (type, at, ...fields) => ({ type, accountId, at, ...(fields[0] ?? {}) }) as unknown as CommandOf<typeof type>;
}
