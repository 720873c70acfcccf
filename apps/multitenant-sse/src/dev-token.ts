import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { PRINT_DEV_TOKEN_FLAG } from './config';

/** A random HS256 secret for a development run without JWT_SECRET; it dies with the process. */
export function generateDevSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** What an HS256 token carries: the tenant (`sub`), and what the service checks (`iss`, `aud`, scopes). */
export interface MintTokenOptions {
  userId: string;
  issuer?: string;
  audience?: string;
  scopes?: string[];
  /** A jose time span: `12h`, `30m`, `7d`. */
  expiresIn: string;
}

/** An HS256 token the service accepts with this secret: for the development notice and `mint-token`. */
export async function mintToken(secret: string, options: MintTokenOptions): Promise<string> {
  let jwt = new SignJWT({ scope: (options.scopes ?? []).join(' ') || undefined })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.userId)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn);
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}

/** What the start-up message needs to know. */
export interface DevTokenNoticeOptions {
  /** The service's base URL. */
  url: string;
  /** The HS256 secret in use (JWT_SECRET or a generated one); undefined with a JWKS. */
  secret: string | undefined;
  /** True when this run generated the secret (no JWT_SECRET). */
  generated: boolean;
  /** Asked for with `--print-dev-token` / `DEV_TOKEN=print`. */
  print: boolean;
  issuer?: string;
  audience?: string;
  scopes?: string[];
}

/**
 * The development message for stdout: a ready-to-use 12-hour token for `demo-user` only when asked
 * for one — a token on every start lands in terminal scrollback, CI logs and screen shares — and
 * otherwise, when this run generated its secret, the exact command that prints one.
 */
export async function devTokenNotice(options: DevTokenNoticeOptions): Promise<string | undefined> {
  const endpoints = `Streamable HTTP: ${options.url}/mcp    legacy SSE: ${options.url}/sse\n`;
  if (options.print && options.secret) {
    const token = await mintToken(options.secret, { userId: 'demo-user', issuer: options.issuer, audience: options.audience, scopes: options.scopes, expiresIn: '12h' });
    const origin = options.generated ? 'no JWT_SECRET, so this run generated one' : 'signed with JWT_SECRET';
    return (
      `\nDevelopment token for user "demo-user" (12 h; ${origin}):\n\n  ${token}\n\n${endpoints}` +
      `Try: npx @modelcontextprotocol/inspector@latest --cli ${options.url}/mcp --transport http --header "Authorization: Bearer ${token}" --method tools/list\n\n`
    );
  }
  if (!options.generated) return undefined;
  return (
    `\nDevelopment mode: no JWT_SECRET, so this run generated a secret of its own (it dies with the process).\n${endpoints}` +
    `For a ready-to-use token for user "demo-user", start it with:  npm run service -- ${PRINT_DEV_TOKEN_FLAG}   (or DEV_TOKEN=print)\n\n`
  );
}
