import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';

/** A random HS256 secret for a development run without JWT_SECRET; it dies with the process. */
export function generateDevSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** A token for the demo user, so the README's run command works with zero setup. */
export async function mintDevToken(secret: string, options: { userId: string; issuer?: string; audience?: string; scopes?: string[] }): Promise<string> {
  let jwt = new SignJWT({ scope: (options.scopes ?? []).join(' ') || undefined })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.userId)
    .setIssuedAt()
    .setExpirationTime('12h');
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
