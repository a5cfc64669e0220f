import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { mintResearcherToken } from './lib/researcher-token.ts';

/**
 * Mints a researcher token as a platform would for a signed-in researcher (HS256 with
 * RESEARCHER_TOKEN_SECRET, issuer and audience from the configuration, sub = researcher id).
 * Usage: npm run researcher-token -- <researcher id> [--ttl 15m]
 */
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { ttl: { type: 'string', default: '15m' } },
});
const settings = loadConfig().auth.researcherTokens;
if (!positionals[0] || !settings) {
  console.error('usage: RESEARCHER_TOKEN_SECRET=... npm run researcher-token -- <researcher id> [--ttl 15m]');
  process.exit(2);
}
console.log(await mintResearcherToken(settings, positionals[0], values.ttl));
