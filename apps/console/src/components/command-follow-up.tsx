import { useCallback, useEffect, useRef, useState } from 'react';
import type { CommandOutcome } from '@contracts';
import { comparePositions } from '../api/client';

/**
 * What a page does after an accepted command: says so for a few seconds, and tells its list query to
 * ask again until the list's `asOfPosition` has reached the command's events (the read side folds
 * them shortly after the command is answered). The query re-reads its interval on the next render.
 */
export function useCommandFollowUp() {
  const [waitingFor, setWaitingFor] = useState<string | null>(null);
  // Once reached, the wait is over for good (a later answer as of a past instant stands further back).
  const reached = useRef<string | null>(null);
  const [toast, setToast] = useState<string | null>(null);
  useEffect(() => {
    if (toast === null) return;
    const timer = setTimeout(() => setToast(null), 4000);
    return () => clearTimeout(timer);
  }, [toast]);
  const done = useCallback((outcome: CommandOutcome) => {
    setToast(`${outcome.type}: done (${outcome.events.map((e) => e.type).join(', ') || 'nothing to change'})`);
    setWaitingFor(outcome.position);
  }, []);
  /** Whether a list read at `position` does not show the last command yet. */
  const behind = (position: string | null | undefined) => {
    if (waitingFor === null || reached.current === waitingFor) return false;
    if (comparePositions(position ?? null, waitingFor) < 0) return true;
    reached.current = waitingFor;
    return false;
  };
  return {
    done,
    behind,
    /** For the list's `refetchInterval`. */
    pollWhileBehind: (position: string | null | undefined) => (behind(position) ? 300 : false) as number | false,
    toast: toast && (
      <div className="toast" role="status">
        {toast}
      </div>
    ),
  };
}
