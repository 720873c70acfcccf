import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { McpFactoryError } from '@mcp-factory/shared-util';
import { httpStatusForCode, MCP_AUTH_ERRORS, McpAuthError, RateLimitedError, TokenExpiredError, type McpAuthErrorCode } from './errors';

describe('mcp-auth errors', () => {
  const codes = MCP_AUTH_ERRORS.map((E) => E.code as McpAuthErrorCode);

  it('has unique codes, each with the same static and instance code', () => {
    expect(new Set(codes).size).toBe(codes.length);
    for (const E of MCP_AUTH_ERRORS) {
      const instance = new (E as unknown as new (...args: unknown[]) => McpAuthError)([]);
      expect(instance.code).toBe(E.code);
      expect(instance).toBeInstanceOf(McpFactoryError);
      expect(instance.name).toBe(E.name);
    }
  });

  it('lists every code in the README', () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    for (const code of codes) expect(readme).toContain(`\`${code}\``);
  });

  it('maps every code to one HTTP status', () => {
    const statuses = Object.fromEntries(codes.map((c) => [c, httpStatusForCode(c)]));
    expect(statuses).toMatchObject({
      ERR_AUTH_TOKEN_MISSING: 401,
      ERR_AUTH_TOKEN_EXPIRED: 401,
      ERR_AUTH_INSUFFICIENT_SCOPE: 403,
      ERR_SESSION_NOT_FOUND: 404,
      ERR_REQUEST_TIMEOUT: 408,
      ERR_BODY_TOO_LARGE: 413,
      ERR_RATE_LIMITED: 429,
      ERR_SESSION_LIMIT_USER: 429,
      ERR_SESSION_LIMIT_TOTAL: 503,
    });
    for (const status of Object.values(statuses)) expect(status).toBeGreaterThanOrEqual(400);
  });

  it('passes cause on and carries a message', () => {
    const cause = new Error('jose said no');
    const error = new TokenExpiredError('Token has expired', { cause });
    expect({ code: error.code, message: error.message, cause: error.cause }).toEqual({ code: 'ERR_AUTH_TOKEN_EXPIRED', message: 'Token has expired', cause });
    expect(new RateLimitedError(3)).toMatchObject({ code: 'ERR_RATE_LIMITED', message: 'Rate limit exceeded; retry after 3s', retryAfterSeconds: 3 });
  });
});
