import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useState, type ReactNode } from 'react';
import type { SeriesBody } from '@contracts';
import type { Params } from '../api/client';
import { seriesQuery } from '../api/reports';
import { useAccountDirectory } from '../app/console-context';

/**
 * Pieces the capacity views (SPEC §8) share: their series query, the figures about the whole window
 * shown plainly, and number inputs applied on demand.
 */

/** A capacity series report for `request` (the view's product, scope, window and the report's own parameters). */
export function useCapacitySeries<B extends SeriesBody<object>>(report: string, request: Params, enabled: boolean) {
  const account = useAccountDirectory();
  return useQuery({ ...seriesQuery<B>(account.accountId, report, request), enabled, placeholderData: keepPreviousData });
}

/** Figures about the whole window, as a list of label and value (`data-figure` names the body's field). */
export function WindowFigures({
  label,
  figures,
}: {
  label: string;
  figures: readonly { readonly field: string; readonly label: ReactNode; readonly value: ReactNode }[];
}) {
  return (
    <dl className="window-figures" aria-label={label} data-testid="window-figures">
      {figures.map((f) => (
        <div key={f.field} data-figure={f.field}>
          <dt>{f.label}</dt>
          <dd>{f.value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A whole-number input (empty allowed: the report's default). */
export function NumberField({
  label,
  value,
  onChange,
  min = 0,
  placeholder,
  hint,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  min?: number;
  placeholder?: string;
  hint?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={min}
        step={1}
        value={value}
        placeholder={placeholder}
        onChange={(e) => onChange(e.target.value)}
        title={hint}
      />
    </div>
  );
}

/**
 * Parameters typed in a form and applied together (one request, one history step) with its submit
 * button: the draft follows the URL when the URL changes (back button, a link).
 */
export function useDraft<T extends Record<string, string>>(applied: T): [T, (changes: Partial<T>) => void] {
  const [draft, setDraft] = useState(applied);
  const key = JSON.stringify(applied);
  useEffect(() => setDraft(applied), [key]);
  return [draft, (changes) => setDraft((previous) => ({ ...previous, ...changes }))];
}
