import { createHash, randomBytes } from 'node:crypto';
import { SCOPES } from '../src/config.ts';

/**
 * Creates a platform API key: prints the key (give it to the platform, once) and the line to add to
 * the file named by API_KEYS_FILE, which holds only its SHA-256 digest.
 * Usage: npm run api-key -- admin+read
 */
const scopes = (process.argv[2] ?? 'read').split('+');
if (scopes.some((scope) => !(SCOPES as readonly string[]).includes(scope))) {
  console.error(`usage: npm run api-key -- <scope>+<scope> (scopes: ${SCOPES.join(', ')})`);
  process.exit(2);
}
const key = `psk_${randomBytes(24).toString('base64url')}`;
const digest = createHash('sha256').update(key).digest('hex');
console.log(`key:                 ${key}`);
console.log(`API_KEYS_FILE line:  sha256:${digest}:${scopes.join('+')}`);
