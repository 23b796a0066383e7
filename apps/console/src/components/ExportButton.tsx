import { useState } from 'react';
import { downloadFile, type Params } from '../api/client';
import { ProblemMessage } from './feedback';

/**
 * Export: downloads what the API answers for the same parameters with `format=csv` — every page,
 * the same filters, byte for byte.
 */
export function ExportButton({
  path,
  params,
  filename,
  format = 'csv',
  label = 'Export CSV',
}: {
  path: string;
  params: Params;
  filename: string;
  format?: string;
  label?: string;
}) {
  const [state, setState] = useState<{ busy: boolean; error: unknown }>({ busy: false, error: null });
  const run = async () => {
    setState({ busy: true, error: null });
    try {
      const { page: _page, pageSize: _pageSize, ...all } = params;
      await downloadFile(path, { ...all, format }, filename);
      setState({ busy: false, error: null });
    } catch (error) {
      setState({ busy: false, error });
    }
  };
  return (
    <span className="export">
      <button type="button" onClick={() => void run()} disabled={state.busy}>
        {state.busy ? 'Exporting…' : label}
      </button>
      {state.error !== null && <ProblemMessage error={state.error} />}
    </span>
  );
}
