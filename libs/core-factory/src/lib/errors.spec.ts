import { join } from 'node:path';
import { expectErrorRegistryDocumented } from '@mcp-factory/shared-util/testing';
import { coreFactoryErrors, UserIdRequiredError } from './errors';

describe('core-factory errors', () => {
  it('have unique codes, each listed in the README', () => {
    expectErrorRegistryDocumented(coreFactoryErrors, join(__dirname, '../../README.md'));
  });

  it('carry the same static and instance code', () => {
    const error = new UserIdRequiredError();
    expect(error.code).toBe(UserIdRequiredError.code);
    expect(error.name).toBe('UserIdRequiredError');
  });
});
