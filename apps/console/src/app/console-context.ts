import { createContext, useContext } from 'react';
import type { AccountDirectory, KeyInfo } from '@contracts';

/** What every view knows: the tab's key and, for account keys that read reports, the account. */
export interface ConsoleContext {
  readonly key: KeyInfo;
  readonly account: AccountDirectory | null;
}

export const ConsoleContextValue = createContext<ConsoleContext | null>(null);

export function useConsole(): ConsoleContext {
  const value = useContext(ConsoleContextValue);
  if (value === null) throw new Error('useConsole outside the console shell');
  return value;
}

/** The account of a view that reads reports (those views are only shown when there is one). */
export function useAccountDirectory(): AccountDirectory {
  const { account } = useConsole();
  if (account === null) throw new Error('this view needs an account key that reads reports');
  return account;
}
