// Distinct users' bearer tokens, signed once (HS256) with the secret the bench servers verify against.
import { signTestToken } from '@mcp-factory/mcp-auth/testing';
import { BENCH_JWT } from '../servers/spec';

export async function userTokens(count: number, prefix = 'u'): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    tokens.push(await signTestToken({ sub: `${prefix}${i}` }, BENCH_JWT.secret, { audience: BENCH_JWT.audience, issuer: BENCH_JWT.issuer, expiresIn: '2h' }));
  }
  return tokens;
}
