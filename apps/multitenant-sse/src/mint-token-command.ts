// `mint-token`: an HS256 token the running service accepts, for operators and tests. Signed with the
// service's own JWT_SECRET, carrying its JWT_ISSUER (the first one) and JWT_AUDIENCE, so the same
// environment file that configures the service mints for it.
import { parseArgs } from 'node:util';
import { ConfigInvalidError } from '@mcp-factory/shared-util';
import { loadConfig } from './config';
import { mintToken } from './dev-token';

export const MINT_TOKEN_USAGE = `Usage: mint-token --sub <user id> [--ttl <span>] [--scope <a,b>]

Prints an HS256 token for one user of the service, signed with JWT_SECRET and carrying JWT_ISSUER
(the first one) and JWT_AUDIENCE, read from the same environment the service reads.

  --sub    the user (tenant) the token is for (required)
  --ttl    lifetime: a number with s, m, h or d (default 1h, at most 30d)
  --scope  comma-separated scopes (default: JWT_REQUIRED_SCOPES)

With several issuers the service keys tenants by "<iss>|<sub>"; this token carries the first issuer.
A service on JWKS_URL takes tokens from its identity provider instead (see apps/multitenant-sse/README.md).
`;

const TTL = /^(\d+)(s|m|h|d)$/;
const SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
const MAX_TTL_S = 30 * 86_400;

/** The token for `argv`, or ERR_CONFIG_INVALID with one line per problem. `--help` yields the usage text. */
export async function runMintToken(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<{ token?: string; usage?: string }> {
  let values: { sub?: string; ttl?: string; scope?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { sub: { type: 'string' }, ttl: { type: 'string', default: '1h' }, scope: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new ConfigInvalidError([(error as Error).message]);
  }
  if (values.help) return { usage: MINT_TOKEN_USAGE };
  const { env: service } = loadConfig(env, []);
  const problems: string[] = [];
  if (!service.JWT_SECRET) problems.push('JWT_SECRET: is required to mint a token (a service on JWKS_URL takes tokens from its identity provider)');
  if (!values.sub?.trim()) problems.push('--sub: the user id is required');
  const ttl = TTL.exec(values.ttl ?? '');
  const seconds = ttl ? Number(ttl[1]) * SECONDS[ttl[2] as keyof typeof SECONDS] : 0;
  if (!ttl || seconds < 1 || seconds > MAX_TTL_S) problems.push(`--ttl: expected a number with s, m, h or d between 1s and 30d, got ${JSON.stringify(values.ttl)}`);
  if (problems.length) throw new ConfigInvalidError(problems);
  const scopes = values.scope === undefined ? service.JWT_REQUIRED_SCOPES : values.scope.split(',').map((s) => s.trim()).filter(Boolean);
  const token = await mintToken(service.JWT_SECRET as string, {
    userId: (values.sub as string).trim(),
    issuer: service.JWT_ISSUER?.[0],
    audience: service.JWT_AUDIENCE,
    scopes,
    expiresIn: `${seconds}s`,
  });
  return { token };
}
