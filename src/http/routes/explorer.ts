import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '../../errors.ts';

/** Where `npm run build:web` writes the explorer (web/); the API serves it at `/`. */
export const EXPLORER_DIR = path.resolve(import.meta.dirname, '../../../web/dist');

/**
 * The page may load only its own files and call only this API: no fonts, scripts or data from
 * elsewhere. Cytoscape positions its canvas with inline styles, hence style-src 'unsafe-inline'.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/**
 * Serves the built explorer: `index.html` is revalidated on every load (it names the current
 * assets), files under `/assets/` carry a content hash in their name and are cached for a year.
 * The page is public; the API calls it makes carry the credentials the user signs in with.
 */
export function explorerRoutes(root: string = EXPLORER_DIR): FastifyPluginAsync {
  return async (app) => {
    await app.register(fastifyStatic, { root, serve: false });
    const common = { config: { access: 'public' as const }, schema: { hide: true } };
    const built = () => fs.existsSync(path.join(root, 'index.html'));

    app.get('/', common, async (_request, reply) => {
      if (!built()) {
        throw new AppError(
          'explorer_not_built',
          404,
          'the explorer is not built here: run npm run build:web',
          {
            directory: root,
          },
        );
      }
      return reply
        .header('cache-control', 'no-cache')
        .header('content-security-policy', CONTENT_SECURITY_POLICY)
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'no-referrer')
        .sendFile('index.html', { cacheControl: false });
    });

    app.get('/assets/*', common, async (request, reply) => {
      const file = (request.params as { '*': string })['*'];
      return reply
        .header('x-content-type-options', 'nosniff')
        .sendFile(path.posix.join('assets', file), { maxAge: '365d', immutable: true });
    });
  };
}
