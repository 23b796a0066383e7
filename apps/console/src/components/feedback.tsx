import { ApiError } from '../api/client';

/** Loading state: says what is loading (announced to screen readers). */
export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

/** An error as a person reads it: the problem's `detail`, with its code. */
export function ProblemMessage({ error }: { error: unknown }) {
  const detail = error instanceof ApiError ? error.message : error instanceof Error ? error.message : String(error);
  const code = error instanceof ApiError ? error.code : null;
  return (
    <div className="problem" role="alert" data-testid="problem">
      <strong>{detail}</strong>
      {code && <span className="code"> ({code})</span>}
      {error instanceof ApiError && error.problem?.errors && error.problem.errors.length > 0 && (
        <ul>
          {error.problem.errors.map((e) => (
            <li key={`${e.path}:${e.message}`}>
              <code>{e.path}</code>: {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Empty({ children }: { children: React.ReactNode }) {
  return (
    <p className="empty" role="status">
      {children}
    </p>
  );
}
