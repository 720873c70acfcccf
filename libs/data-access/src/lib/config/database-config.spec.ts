import { describeConfig, maskUrl, validateConfig } from './database-config';

describe('database config', () => {
  it('masks the password in URLs', () => {
    expect(maskUrl('postgresql://app:s3cret@db:5432/mcp')).toBe('postgresql://app:***@db:5432/mcp');
    expect(maskUrl('postgresql://app@db/mcp')).toBe('postgresql://app@db/mcp');
    expect(maskUrl('not a url://u:pw@x')).not.toContain('pw');
  });

  it('masks secrets passed as query parameters too', () => {
    expect(maskUrl('postgresql://app@db/mcp?password=s3cret&sslmode=require')).toBe('postgresql://app@db/mcp?password=***&sslmode=require');
    expect(maskUrl('postgresql://app:pw1@db/mcp?sslpassword=pw2&application_name=x&PASSWORD=pw3')).toBe(
      'postgresql://app:***@db/mcp?sslpassword=***&application_name=x&PASSWORD=***',
    );
    expect(maskUrl('https://idp.example/jwks?access_token=tok&api_key=k')).toBe('https://idp.example/jwks?access_token=***&api_key=***');
    expect(maskUrl('not a url://u@x?password=pw4&db=mcp')).toBe('not a url://u@x?password=***&db=mcp');
  });

  it('describes each engine in one line', () => {
    expect(describeConfig({ engine: 'embedded' })).toBe('embedded PGlite in memory');
    expect(describeConfig({ engine: 'embedded', dataDir: '/d' })).toBe('embedded PGlite at /d');
    expect(describeConfig({ engine: 'server', url: 'postgresql://u:p@h/db' })).toBe('PostgreSQL at postgresql://u:***@h/db');
  });

  it('rejects configs that can never work with ERR_DB_CONFIG', () => {
    expect(() => validateConfig({ engine: 'server', url: 'nope' })).toThrow(
      expect.objectContaining({ code: 'ERR_DB_CONFIG', message: 'Invalid database URL nope: not a URL' }),
    );
    expect(() => validateConfig({ engine: 'server', url: 'mysql://u:pw@h/db' })).toThrow(
      expect.objectContaining({ code: 'ERR_DB_CONFIG', message: 'Invalid database URL mysql://u:***@h/db: expected postgresql://' }),
    );
    expect(() => validateConfig({ engine: 'server', url: 'postgresql://h/db', poolSize: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_DB_CONFIG', message: 'Invalid pool size 0: expected a positive integer' }),
    );
    expect(() => validateConfig({ engine: 'sqlite' } as never)).toThrow(expect.objectContaining({ code: 'ERR_DB_CONFIG' }));
  });
});
