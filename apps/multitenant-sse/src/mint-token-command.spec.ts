import { JWTAuthProvider } from '@mcp-factory/mcp-auth';
import { decodeJwt } from 'jose';
import { runMintToken } from './mint-token-command';

const env = {
  JWT_SECRET: 'mint-token-spec-secret-0123456789abcdef',
  JWT_ISSUER: 'https://issuer.example,https://second.example',
  JWT_AUDIENCE: 'mcp-factory',
  JWT_REQUIRED_SCOPES: 'mcp:tools',
};

async function problems(argv: string[], vars: Record<string, string> = env): Promise<string[]> {
  const error = await runMintToken(argv, vars).catch((e: unknown) => e);
  expect(error).toMatchObject({ code: 'ERR_CONFIG_INVALID' });
  return (error as { problems: string[] }).problems;
}

describe('mint-token', () => {
  it('mints a token the service itself accepts, for the user asked, with its issuer, audience and scopes', async () => {
    const { token } = await runMintToken(['--sub', 'alice', '--ttl', '2h'], env);
    const provider = new JWTAuthProvider({
      jwtSecret: env.JWT_SECRET,
      issuer: ['https://issuer.example', 'https://second.example'],
      audience: env.JWT_AUDIENCE,
      requiredScopes: ['mcp:tools'],
    });
    const result = await provider.authenticate({ headers: { authorization: `Bearer ${token}` }, bearerToken: token, transport: 'http', timestamp: new Date(), requestId: 'r' });
    // Two issuers: the service keys the tenant by issuer and subject.
    expect(result).toMatchObject({ authenticated: true, userId: 'https://issuer.example|alice' });
    const claims = decodeJwt(token as string);
    expect((claims.exp as number) - (claims.iat as number)).toBe(7200);
    expect(claims.scope).toBe('mcp:tools');
  });

  it('names each problem on its own line: no secret, no user, a bad lifetime, an unknown flag', async () => {
    expect(await problems(['--ttl', '90d'], { JWT_AUDIENCE: 'x' })).toEqual([
      'JWT_SECRET: is required to mint a token (a service on JWKS_URL takes tokens from its identity provider)',
      '--sub: the user id is required',
      '--ttl: expected a number with s, m, h or d between 1s and 30d, got "90d"',
    ]);
    expect((await problems(['--sub', 'a', '--user', 'b']))[0]).toMatch(/Unknown option '--user'/);
  });

  it('prints its usage for --help without needing a secret', async () => {
    expect((await runMintToken(['--help'], {})).usage).toMatch(/^Usage: mint-token --sub <user id>/);
  });
});
