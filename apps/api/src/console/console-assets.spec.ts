import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { consoleAssets, isApiPath } from './console-assets.js';

/** Raw HTTP (fetch would normalise `..` in paths and decode gzip itself). */
function get(url: string, path: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the console assets served by ledger serve', () => {
  let root: string;
  let server: Server;
  let url: string;
  const script = `console.log(${JSON.stringify('x'.repeat(4000))});`;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ledger-console-assets-'));
    await mkdir(join(root, 'console', 'assets'), { recursive: true });
    await writeFile(join(root, 'console', 'index.html'), '<!doctype html><title>console</title>');
    await writeFile(join(root, 'console', 'assets', 'index-abc123.js'), script);
    await writeFile(join(root, 'secret.txt'), 'outside the console');
    const serve = consoleAssets(join(root, 'console'));
    server = createServer((req, res) =>
      serve(req, res, () => {
        res.statusCode = 404;
        res.end('passed on');
      }),
    );
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((done) => server.close(done));
    await rm(root, { recursive: true, force: true });
  });

  it('answers index.html, not cached, for / and any view path', async () => {
    for (const path of ['/', '/seat-history?product=KSE&from=2026-01-01', '/licenses/deep/link']) {
      const answer = await get(url, path);
      expect({ path, status: answer.status, type: answer.headers['content-type'], cache: answer.headers['cache-control'] }).toEqual({
        path,
        status: 200,
        type: 'text/html; charset=utf-8',
        cache: 'no-cache',
      });
      expect(answer.body.toString()).toContain('<title>console</title>');
    }
  });

  it('serves hashed assets for a year, gzip-compressed when the client accepts it', async () => {
    const plain = await get(url, '/assets/index-abc123.js');
    expect(plain.status).toBe(200);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(script);
    const gzipped = await get(url, '/assets/index-abc123.js', { 'accept-encoding': 'gzip, br' });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.body.length).toBeLessThan(plain.body.length / 10);
    expect(gunzipSync(gzipped.body).toString()).toBe(script);
    const head = await get(url, '/assets/index-abc123.js', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
  });

  it('passes the API, unknown assets, other methods and paths outside the folder on', async () => {
    for (const [method, path] of [
      ['GET', '/v1/accounts/acme'],
      ['GET', '/health'],
      ['GET', '/docs-json'],
      ['GET', '/metrics'],
      ['GET', '/assets/missing.js'],
      ['POST', '/seat-history'],
    ] as const) {
      const answer = await get(url, path, {}, method);
      expect({ method, path, status: answer.status, body: answer.body.toString() }).toEqual({ method, path, status: 404, body: 'passed on' });
    }
    const escaped = await get(url, '/%2e%2e/secret.txt');
    expect(escaped.body.toString()).not.toContain('outside the console');
  });

  it("tells API paths from the console's", () => {
    expect(['/v1', '/v1/me', '/docs', '/docs-json', '/health', '/metrics'].every(isApiPath)).toBe(true);
    expect(['/', '/seat-history', '/v1x', '/healthy', '/assets/a.js'].some(isApiPath)).toBe(false);
  });
});
