import { useCallback } from 'react';
import { useSearchParams } from 'wouter';

/** Changes to the view's URL parameters: a value sets one, null or '' removes it. */
export type ParamChanges = Readonly<Record<string, string | number | null | undefined>>;

/**
 * The view's state as URL parameters (product, scope, range, interval, filters, as-of, open
 * explanation…): a link reopens the same view, and the back button steps through what was chosen.
 * `replace` is for values the page fills in itself (defaults), which should not add history steps.
 */
export function useViewParams(): [URLSearchParams, (changes: ParamChanges, options?: { replace?: boolean }) => void] {
  const [params, setParams] = useSearchParams();
  const update = useCallback(
    (changes: ParamChanges, options: { replace?: boolean } = {}) => {
      setParams(
        (previous) => {
          const next = new URLSearchParams(previous);
          for (const [name, value] of Object.entries(changes)) {
            if (value === null || value === undefined || value === '') next.delete(name);
            else next.set(name, String(value));
          }
          return next;
        },
        { replace: options.replace ?? false },
      );
    },
    [setParams],
  );
  return [params, update];
}

/** The parameters of `params` named in `names`, as a plain object (absent ones left out). */
export function pick(params: URLSearchParams, names: readonly string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) {
    const value = params.get(name);
    if (value !== null && value !== '') picked[name] = value;
  }
  return picked;
}
