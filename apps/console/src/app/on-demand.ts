import { useEffect, useReducer } from 'react';

/**
 * Modules loaded on demand (a view's chunk, the chart library) without React's `lazy` and
 * `Suspense`: React holds back the content of a Suspense boundary until 300 ms after its fallback
 * showed, so a view and then its chart behind two boundaries cost 600 ms of waiting on a first
 * visit even when their chunks had long arrived. Here a module already loaded renders at once, and
 * one still loading shows when it arrives, by a plain state update.
 */
export interface OnDemand<T> {
  /** Starts the load (once); later calls answer the same promise. */
  readonly load: () => Promise<T>;
  /** The module once loaded. */
  value: T | undefined;
  /** Why it did not load (a chunk the server no longer has after a deployment, a lost connection). */
  error: unknown;
  settled: boolean;
}

export function onDemand<T>(importer: () => Promise<T>): OnDemand<T> {
  let started: Promise<T> | null = null;
  const module: OnDemand<T> = {
    load: () => {
      started ??= importer().then(
        (value) => {
          module.value = value;
          module.settled = true;
          return value;
        },
        (error: unknown) => {
          module.error = error;
          module.settled = true;
          throw error;
        },
      );
      return started;
    },
    value: undefined,
    error: undefined,
    settled: false,
  };
  return module;
}

/** Starts loading `module` and renders again when it has loaded or failed. */
export function useOnDemand<T>(module: OnDemand<T>): OnDemand<T> {
  const [, settled] = useReducer((n: number) => n + 1, 0);
  const shownSettled = module.settled;
  useEffect(() => {
    // Still loading when rendered: render again once settled (then() also answers if it settled meanwhile).
    if (shownSettled) return;
    let live = true;
    const wake = () => {
      if (live) settled();
    };
    module.load().then(wake, wake);
    return () => {
      live = false;
    };
  }, [module, shownSettled]);
  return module;
}
