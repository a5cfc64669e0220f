import { defineConfig } from 'vite';

/**
 * The explorer: Preact + TypeScript, bundled by Vite; scripts/build-web.ts builds it into the folder the
 * API serves at `/` (EXPLORER_DIR, web/dist).
 * `npx vite web` runs it against an API on localhost:3000 while developing.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { emptyOutDir: true, assetsDir: 'assets', sourcemap: true, target: 'es2022' },
  server: { proxy: { '/v1': 'http://127.0.0.1:3000' } },
});
