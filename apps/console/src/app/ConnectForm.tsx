import { useState, type FormEvent } from 'react';
import { ProblemMessage } from '../components/feedback';
import { storeKey } from './session';

/** Asks for an API key (`ledger keys create`); it is kept for this tab only. */
export function ConnectForm({ onConnected, error }: { onConnected: () => void; error?: unknown }) {
  const [token, setToken] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (token.trim() === '') return;
    storeKey(token);
    onConnected();
  };
  return (
    <main className="connect" id="main">
      <h1>License Ledger</h1>
      <form onSubmit={submit} aria-label="Connect with an API key">
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={token}
          placeholder="llk_…"
          onChange={(e) => setToken(e.target.value)}
          autoFocus
        />
        <button type="submit" disabled={token.trim() === ''}>
          Open the console
        </button>
        <p className="hint">
          Create one with <code>npx ledger keys create --account ID --role account-admin</code> (or <code>auditor</code>, <code>operator</code>). The
          key stays in this browser tab only and is never put in a link.
        </p>
        {error !== undefined && <ProblemMessage error={error} />}
      </form>
    </main>
  );
}
