import { jwtVerify } from 'jose';
import { devTokenNotice } from './dev-token';

const SECRET = 'dev-token-spec-secret-0123456789abcdef';
const base = { url: 'http://127.0.0.1:3000', secret: SECRET, issuer: 'https://idp.example', audience: 'mcp' };
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;

describe('devTokenNotice', () => {
  it('without JWT_SECRET and not asked: no token, but the exact command that prints one', async () => {
    const text = (await devTokenNotice({ ...base, generated: true, print: false })) ?? '';
    expect(text).not.toMatch(JWT);
    expect(text).toContain('npm run service -- --print-dev-token');
    expect(text).toContain('http://127.0.0.1:3000/mcp');
  });

  it('when asked: a 12-hour token for demo-user, signed with the secret in use, and an Inspector command', async () => {
    const text = (await devTokenNotice({ ...base, generated: true, print: true })) ?? '';
    const token = JWT.exec(text)?.[0] as string;
    const { payload } = await jwtVerify(token, new TextEncoder().encode(SECRET), { issuer: base.issuer, audience: base.audience });
    expect(payload.sub).toBe('demo-user');
    expect((payload.exp as number) - (payload.iat as number)).toBe(12 * 3600);
    expect(text).toContain(`--header "Authorization: Bearer ${token}" --method tools/list`);
  });

  it('with JWT_SECRET and not asked: nothing at all', async () => {
    expect(await devTokenNotice({ ...base, generated: false, print: false })).toBeUndefined();
  });
});
