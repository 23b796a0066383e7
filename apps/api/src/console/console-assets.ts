import { existsSync, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/**
 * The web console (apps/console), built by `npm run build` into `dist/console`, served by `ledger
 * serve` at `/` on the API's origin:
 * - `/assets/*` are content-hashed by the build: cached for a year, immutable;
 * - any other GET that is not the API's (`/v1`, `/docs`, `/health`, `/metrics`) answers `index.html`
 *   (no-cache), so that a view's URL (`/seat-history?product=KSE…`) opens that view;
 * - text files are sent gzip-compressed to clients that accept it (compressed once, kept while the
 *   file is unchanged).
 */
export const API_PREFIXES = ['/v1', '/docs', '/health', '/metrics'] as const;

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.txt']);

/** `dist/console` of the package this file belongs to (from the sources or from `dist/`). */
export function defaultConsoleDirectory(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'license-ledger') {
      return join(dir, 'dist', 'console');
    }
    if (dirname(dir) === dir) throw new Error('the license-ledger package.json was not found above the console server');
  }
}

export function isApiPath(path: string): boolean {
  return API_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}-`));
}

interface Asset {
  /** The file's modification time: a rebuilt console is read again. */
  readonly mtimeMs: number;
  readonly body: Buffer;
  readonly gzipped: Buffer | null;
  readonly type: string;
}

type Next = (error?: unknown) => void;

/** An Express-style middleware serving the console from `root`; passes API paths and other methods on. */
export function consoleAssets(root: string): (request: IncomingMessage, response: ServerResponse, next: Next) => void {
  const base = resolve(root);
  const kept = new Map<string, Asset>();

  async function load(file: string): Promise<Asset | null> {
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return null;
    const cached = kept.get(file);
    if (cached?.mtimeMs === info.mtimeMs) return cached;
    const extension = extname(file);
    const body = await readFile(file);
    const asset = {
      mtimeMs: info.mtimeMs,
      body,
      type: TYPES[extension] ?? 'application/octet-stream',
      gzipped: COMPRESSIBLE.has(extension) && body.length > 1024 ? gzipSync(body, { level: 9 }) : null,
    };
    kept.set(file, asset);
    return asset;
  }

  function send(request: IncomingMessage, response: ServerResponse, asset: Asset, cacheControl: string): void {
    const gzip = asset.gzipped !== null && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    const body = gzip ? asset.gzipped! : asset.body;
    response.statusCode = 200;
    response.setHeader('Content-Type', asset.type);
    response.setHeader('Cache-Control', cacheControl);
    response.setHeader('Vary', 'Accept-Encoding');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    if (gzip) response.setHeader('Content-Encoding', 'gzip');
    response.setHeader('Content-Length', body.length);
    response.end(request.method === 'HEAD' ? undefined : body);
  }

  return (request, response, next) => {
    const path = decodedPath(request.url ?? '/');
    if ((request.method !== 'GET' && request.method !== 'HEAD') || path === null || isApiPath(path)) {
      next();
      return;
    }
    void (async () => {
      const file = normalize(join(base, path));
      const inside = file === base || file.startsWith(base + sep);
      const asset = inside && path !== '/' ? await load(file) : null;
      if (asset) {
        send(request, response, asset, path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
        return;
      }
      if (path.startsWith('/assets/')) {
        next();
        return;
      }
      const index = await load(join(base, 'index.html'));
      if (index) {
        send(request, response, index, 'no-cache');
        return;
      }
      response.statusCode = 503;
      response.setHeader('Content-Type', 'text/plain; charset=utf-8');
      response.end('The web console is not built: run `npm run build` (the API is under /v1, its description at /docs).\n');
    })().catch(next);
  };
}

/** The URL's path, percent-decoded; null when it cannot be decoded. */
function decodedPath(url: string): string | null {
  const path = url.split('?')[0]!.split('#')[0]!;
  try {
    return decodeURIComponent(path);
  } catch {
    return null;
  }
}
