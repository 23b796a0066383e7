import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { earlyKeyInfoScript } from './src/app/early-key-info.ts';
import { STORAGE_KEY } from './src/app/session.ts';

/**
 * The web console: built into dist/console, which `ledger serve` serves at `/`. Views are split into
 * chunks of their own (loaded when opened); the chart library is one chunk shared by the chart views.
 * `npm run console:dev` serves it with hot reload and sends /v1 to a ledger on LEDGER_URL.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  plugins: [
    {
      name: 'early-key-info',
      // First in the head, before the stylesheet a script would wait for: the key's answer is asked for while the scripts download (src/app/early-key-info.ts).
      transformIndexHtml: () => [{ tag: 'script', children: earlyKeyInfoScript(STORAGE_KEY), injectTo: 'head-prepend' }],
    },
  ],
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      // React Query marks its hooks "use client" for server components; a client-only bundle has nothing to keep.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: {
    proxy: { '/v1': process.env.LEDGER_URL ?? 'http://127.0.0.1:3000', '/health': process.env.LEDGER_URL ?? 'http://127.0.0.1:3000' },
  },
});
