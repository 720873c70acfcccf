import { readFileSync } from 'node:fs';
import path from 'node:path';
import { McpFactoryError } from '@mcp-factory/shared-util';
import { dataAccessErrors, httpStatusForDataAccessError, type DataAccessErrorCode } from './errors';

describe('data-access errors', () => {
  const entries = Object.entries(dataAccessErrors) as [DataAccessErrorCode, (typeof dataAccessErrors)[DataAccessErrorCode]][];
  const readme = readFileSync(path.join(__dirname, '../../README.md'), 'utf8');

  it('has unique codes, each equal to its registry key, static and instance alike', () => {
    const codes = entries.map(([, ErrorClass]) => ErrorClass.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const [key, ErrorClass] of entries) {
      const error = new ErrorClass('boom', undefined as never);
      expect(ErrorClass.code).toBe(key);
      expect(error.code).toBe(key);
      expect(error).toBeInstanceOf(McpFactoryError);
      expect(error.name).toBe(ErrorClass.name);
      expect(error.message).toBe('boom');
    }
  });

  it('lists every code in the README errors table', () => {
    for (const [code] of entries) expect(readme).toContain(`| \`${code}\` |`);
    const listed = [...readme.matchAll(/^\| `(ERR_[A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual(entries.map(([code]) => code).sort());
  });

  it('maps each code to an HTTP status', () => {
    for (const [code] of entries) expect(httpStatusForDataAccessError(code)).toBeGreaterThanOrEqual(400);
    expect(httpStatusForDataAccessError('ERR_DB_UNAVAILABLE')).toBe(503);
  });

  it('passes the cause on', () => {
    const cause = new Error('root');
    expect(new dataAccessErrors.ERR_DB_UNAVAILABLE('down', { cause }).cause).toBe(cause);
  });
});
