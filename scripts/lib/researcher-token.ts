import { SignJWT } from 'jose';

export type TokenSettings = { secret: string; issuer: string; audience: string };

/**
 * A researcher token as a platform mints one for a signed-in researcher: HS256 with the shared
 * secret, the configured issuer and audience, `sub` = researcher id, expiring after `ttl` ('15m').
 */
export function mintResearcherToken(
  settings: TokenSettings,
  researcherId: string,
  ttl = '15m',
): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(researcherId)
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(new TextEncoder().encode(settings.secret));
}
