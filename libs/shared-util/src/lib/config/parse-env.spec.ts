import { z } from 'zod';
import { parseEnv } from './parse-env';

const schema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  MODE: z.enum(['a', 'b']),
});

describe('parseEnv', () => {
  it('returns typed values with defaults, treating empty variables as unset', () => {
    expect(parseEnv(schema, { MODE: 'a', PORT: '' })).toEqual({ PORT: 3000, MODE: 'a' });
  });

  it('reports one line per bad variable', () => {
    let caught: unknown;
    try {
      parseEnv(schema, { PORT: 'eighty', MODE: 'c' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'ERR_CONFIG_INVALID' });
    const problems = (caught as { problems: string[] }).problems;
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^PORT: /);
    expect(problems[1]).toMatch(/^MODE: /);
  });
});
