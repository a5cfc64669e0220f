import { defineConfig } from 'vite';

/**
 * The explorer: Preact + TypeScript, bundled by Vite into web/dist, which the API serves at `/`.
 * `npx vite web` runs it against an API on localhost:3000 while developing.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, assetsDir: 'assets', sourcemap: true, target: 'es2022' },
  server: { proxy: { '/v1': 'http://127.0.0.1:3000' } },
});
