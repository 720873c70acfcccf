// Test helpers shared by every lib's specs. Not for production code.
import { readFileSync } from 'node:fs';

/**
 * Checks a lib's error registry the way fastify checks its own: every class has a static `code`
 * equal to its instance `code`, codes are unique, and each is listed in the lib's README.
 */
export function expectErrorRegistryDocumented(
  errors: Record<string, { code: string; new (...args: never[]): { code: string } }>,
  readmePath: string,
): void {
  const readme = readFileSync(readmePath, 'utf8');
  const codes = Object.values(errors).map((ErrorClass) => ErrorClass.code);
  expect(new Set(codes).size).toBe(codes.length);
  for (const [name, ErrorClass] of Object.entries(errors)) {
    expect(ErrorClass.name).toBe(name);
    expect(ErrorClass.code).toMatch(/^ERR_[A-Z0-9_]+$/);
    expect(Object.getPrototypeOf(ErrorClass.prototype)).toBeDefined();
    expect(readme).toContain(ErrorClass.code);
  }
}
