import type { CommandOutcome, ProblemDetails } from '@contracts';
import { storedKey } from '../app/session';

/** A failed request: the problem the API answered (its `detail` is what a person reads), or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: ProblemDetails | null,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get code(): string | null {
    return this.problem?.code ?? null;
  }
}

/** Query parameters: undefined, null and '' are left out. */
export type Params = Readonly<Record<string, string | number | boolean | null | undefined>>;

export function withParams(path: string, params: Params = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const query = search.toString();
  return query === '' ? path : `${path}?${query}`;
}

/** `fetch` on the API's origin with the tab's key; a problem answer becomes an ApiError. */
export async function apiFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const key = storedKey();
  if (key !== null) headers.set('authorization', `Bearer ${key}`);
  return apiAnswer(fetch(path, { ...init, headers }));
}

/** The answer of a request already sent: a problem answer or a lost connection becomes an ApiError. */
export async function apiAnswer(request: Promise<Response>): Promise<Response> {
  let response: Response;
  try {
    response = await request;
  } catch (error) {
    throw new ApiError(0, null, `The ledger did not answer (${error instanceof Error ? error.message : String(error)}).`);
  }
  if (!response.ok) throw await errorOf(response);
  return response;
}

async function errorOf(response: Response): Promise<ApiError> {
  const text = await response.text();
  let problem: ProblemDetails | null = null;
  try {
    const parsed = JSON.parse(text) as Partial<ProblemDetails>;
    if (typeof parsed.detail === 'string') problem = parsed as ProblemDetails;
  } catch {
    // Not a problem document (a proxy's page): say what came back.
  }
  return new ApiError(response.status, problem, problem?.detail ?? `The ledger answered ${response.status} ${response.statusText}.`);
}

export async function getJson<T>(path: string, params?: Params, signal?: AbortSignal): Promise<T> {
  const response = await apiFetch(withParams(path, params), { headers: { accept: 'application/json' }, signal });
  return (await response.json()) as T;
}

/** A command route (POST/PUT/PATCH/DELETE with a JSON body): the outcome, or the rule's problem as an ApiError. */
export async function sendCommand(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: object): Promise<CommandOutcome> {
  const response = await apiFetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await response.json()) as CommandOutcome;
}

/**
 * Downloads what the API answers for `path` (CSV, NDJSON) byte for byte as a file: the key goes in a
 * header, so the file is fetched here and handed to the browser as a blob. Answers the text.
 */
export async function downloadFile(path: string, params: Params, filename: string): Promise<string> {
  const response = await apiFetch(withParams(path, params));
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return blob.text();
}

/** `COMMIT/PREPARE` positions in log order (null: before the first event). */
export function comparePositions(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  const [ac, ap] = a.split('/').map((n) => BigInt(n));
  const [bc, bp] = b.split('/').map((n) => BigInt(n));
  return ac !== bc ? (ac! < bc! ? -1 : 1) : ap! < bp! ? -1 : ap! > bp! ? 1 : 0;
}
