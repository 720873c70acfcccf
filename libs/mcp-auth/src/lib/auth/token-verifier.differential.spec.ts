// The HMAC fast path verifies HS256/384/512 tokens with node:crypto instead of jose (issue 8: jose's
// WebCrypto path was ~20 % of a stateless request). Security then rests on it agreeing with jose, so
// this property test throws random and mutated tokens at both and demands the same verdict. The
// reference is jose with `exp` and `sub` required, plus the one rule jose leaves to maxTokenAge
// (issue 14): an `iat` in the future beyond the clock tolerance is refused.
import fc from 'fast-check';
import { jwtVerify } from 'jose';
import { createHmac } from 'node:crypto';
import { JoseTokenVerifier } from './token-verifier';

const SECRET = 'differential-secret-0123456789-abcdef';
const OTHER_SECRET = 'another-secret-that-is-32-bytes-or-more!';
const ISSUER = 'https://issuer.test';
const OTHER_ISSUER = 'https://other-issuer.test';
const TOLERANCE = 5;
const AUDIENCE = 'mcp-factory';
const HASH: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

function sign(header: Record<string, unknown>, payload: unknown, secret: string, alg: string): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const hash = HASH[alg];
  const signature = hash ? createHmac(hash, secret).update(input).digest('base64url') : '';
  return `${input}.${signature}`;
}

const now = () => Math.floor(Date.now() / 1000);
/** Mostly the valid value (so both verdicts occur often), otherwise one of the odd ones. */
const mostly = <T,>(valid: fc.Arbitrary<T>, odd: fc.Arbitrary<unknown>) =>
  fc.oneof({ arbitrary: valid as fc.Arbitrary<unknown>, weight: 6 }, { arbitrary: odd, weight: 1 });
const time = (validFrom: number, validTo: number) =>
  mostly(
    fc.integer({ min: validFrom, max: validTo }).map((delta) => now() + delta),
    fc.oneof(fc.integer({ min: -7200, max: 7200 }).map((delta) => now() + delta), fc.constantFrom('soon', null, 1.5e12, -1)),
  );
const payload = fc.record(
  {
    sub: mostly(fc.constantFrom('alice', 'bob'), fc.constantFrom('', ' ', 42, null)),
    iss: mostly(fc.constant(ISSUER), fc.constantFrom('https://evil.test', 42, undefined)),
    aud: mostly(fc.constantFrom(AUDIENCE, [AUDIENCE, 'x']), fc.constantFrom('other', ['x'], [], undefined)),
    exp: time(30, 7200),
    nbf: time(-7200, 0),
    // Mostly past; otherwise just inside or beyond the tolerance, far ahead, or junk.
    iat: mostly(
      fc.integer({ min: -7200, max: 0 }).map((delta) => now() + delta),
      fc.oneof(fc.integer({ min: 1, max: TOLERANCE - 2 }), fc.integer({ min: TOLERANCE + 2, max: 400 * 86_400 })).map((delta) => now() + delta),
    ),
  },
  { requiredKeys: ['sub', 'iss', 'aud'] },
);
const oddHeader = fc.record(
  {
    alg: mostly(fc.constantFrom('HS256', 'HS384'), fc.constantFrom('HS512', 'none', 'RS256', 'hs256')),
    typ: fc.constantFrom('JWT', 'at+jwt'),
    crit: fc.constantFrom(['exp'], ['b64'], []),
    b64: fc.boolean(),
    kid: fc.string({ maxLength: 4 }),
  },
  { requiredKeys: ['alg'] },
);
const header = fc.oneof(
  { arbitrary: fc.record({ alg: oddHeader.map((h) => h.alg), typ: fc.constant('JWT') }) as fc.Arbitrary<Record<string, unknown>>, weight: 4 },
  { arbitrary: oddHeader as fc.Arbitrary<Record<string, unknown>>, weight: 1 },
);
const mutation = fc.oneof(
  { arbitrary: fc.constant((token: string) => token), weight: 6 },
  { arbitrary: fc.nat().map((at) => (token: string) => {
    const i = at % token.length;
    const swap = token[i] === 'A' ? 'B' : 'A';
    return token.slice(0, i) + swap + token.slice(i + 1);
  }), weight: 2 },
  fc.constant((token: string) => token.split('.').slice(0, 2).join('.') + '.'),
  fc.constant((token: string) => `${token}.extra`),
  fc.constant((token: string) => token.replace(/=*$/, '==')),
);

describe('HMAC fast path agrees with jose', () => {
  const ours = new JoseTokenVerifier({ secret: SECRET, algorithms: ['HS256', 'HS384'], issuer: ISSUER, audience: AUDIENCE, clockTolerance: TOLERANCE });
  const key = new TextEncoder().encode(SECRET);

  async function joseAccepts(token: string): Promise<boolean> {
    try {
      const { payload: claims } = await jwtVerify(token, key, {
        algorithms: ['HS256', 'HS384'],
        issuer: ISSUER,
        audience: AUDIENCE,
        clockTolerance: TOLERANCE,
        requiredClaims: ['exp', 'sub'],
      });
      // Ours also needs a usable user id (jose checks only that `sub` is there) and no future `iat`.
      const usableSub = typeof claims.sub === 'string' && claims.sub.trim() !== '';
      return usableSub && (claims.iat === undefined || claims.iat <= now() + TOLERANCE);
    } catch {
      return false;
    }
  }

  async function oursAccepts(token: string): Promise<boolean> {
    try {
      await ours.verify(token);
      return true;
    } catch (error) {
      // Anything thrown must be one of our typed errors, never a raw crypto or JSON failure.
      expect((error as { code?: string }).code).toMatch(/^ERR_AUTH_TOKEN_(INVALID|EXPIRED)$/);
      return false;
    }
  }

  it('never accepts what jose refuses, and agrees on every token without extensions', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(header, payload, fc.oneof({ arbitrary: fc.constant(true), weight: 5 }, { arbitrary: fc.constant(false), weight: 1 }), mutation, async (h, p, rightKey, mutate) => {
        const token = mutate(sign(h, p, rightKey ? SECRET : OTHER_SECRET, String(h.alg)));
        const expected = await joseAccepts(token);
        const got = await oursAccepts(token);
        if (expected) accepted += 1;
        // Never looser than jose. Equal, except that we refuse any `crit`/`b64` header outright
        // (no extension is understood) where jose may accept `b64` without `crit`.
        if (got) expect(expected).toBe(true);
        if (!('crit' in h) && !('b64' in h)) expect(got).toBe(expected);
      }),
      { numRuns: 600, seed: Number(process.env['DIFF_SEED'] ?? 20261125) },
    );
    // The generator reaches both verdicts, so agreement is not vacuous.
    expect(accepted).toBeGreaterThan(5);
  });

  it('refuses a token without exp or sub, and one issued in the future beyond the tolerance', async () => {
    const base = { sub: 'alice', iss: ISSUER, aud: AUDIENCE, exp: now() + 60 };
    const verdict = (payload: Record<string, unknown>) =>
      ours.verify(sign({ alg: 'HS256', typ: 'JWT' }, payload, SECRET, 'HS256')).then(
        () => 'accepted',
        (error: { code: string; message: string }) => `${error.code}: ${error.message}`,
      );
    expect(await verdict({ ...base, exp: undefined })).toBe('ERR_AUTH_TOKEN_INVALID: Token claim check failed: exp');
    expect(await verdict({ ...base, sub: undefined, userId: 'alice' })).toBe('ERR_AUTH_TOKEN_INVALID: Token has no sub claim');
    expect(await verdict({ ...base, iat: now() + 365 * 86_400 })).toBe('ERR_AUTH_TOKEN_INVALID: Token claim check failed: iat');
    expect(await verdict({ ...base, iat: now() + TOLERANCE - 2 })).toBe('accepted');
    expect(await verdict({ ...base, nbf: now() + TOLERANCE + 60 })).toBe('ERR_AUTH_TOKEN_INVALID: Token claim check failed: nbf');
  });

  it('with several issuers keys the tenant by issuer and subject, on both paths', async () => {
    const issuers = [ISSUER, OTHER_ISSUER];
    const fast = new JoseTokenVerifier({ secret: SECRET, issuer: issuers, audience: AUDIENCE });
    const viaJose = new JoseTokenVerifier({ secret: SECRET, issuer: issuers, audience: AUDIENCE, maxTokenAge: '1h' });
    for (const verifier of [fast, viaJose]) {
      const userIds = await Promise.all(
        issuers.map((iss) => verifier.verify(sign({ alg: 'HS256', typ: 'JWT' }, { sub: 'alice', iss, aud: AUDIENCE, exp: now() + 60, iat: now() }, SECRET, 'HS256'))),
      );
      expect(userIds.map((v) => v.userId)).toEqual([`${ISSUER}|alice`, `${OTHER_ISSUER}|alice`]);
    }
    expect(() => new JoseTokenVerifier({ secret: SECRET, issuer: ['a|b', 'c'] })).toThrow('an issuer must not contain "|"');
  });

  it('accepts a plain valid token and reports its user and scopes', async () => {
    const token = sign({ alg: 'HS256', typ: 'JWT' }, { sub: 'alice', iss: ISSUER, aud: AUDIENCE, exp: now() + 60, scope: 'mcp read' }, SECRET, 'HS256');
    await expect(ours.verify(token)).resolves.toMatchObject({ userId: 'alice', scopes: ['mcp', 'read'] });
  });
});
