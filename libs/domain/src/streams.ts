/** Every fact of an account lives in one stream: one expected revision guards all its invariants. */
export function accountStreamId(accountId: string): string {
  return `account-${accountId}`;
}

export function accountIdOfStream(streamId: string): string | null {
  return streamId.startsWith('account-') ? streamId.slice('account-'.length) : null;
}
