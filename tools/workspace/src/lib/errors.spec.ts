import { join } from 'node:path';
import { expectErrorRegistryDocumented } from '@mcp-factory/shared-util/testing';
import { ToolLibExistsError, workspaceErrors } from './errors';

describe('workspace errors', () => {
  it('have unique codes, each listed in the README', () => {
    expectErrorRegistryDocumented(workspaceErrors, join(__dirname, '../../README.md'));
  });

  it('carry the same static and instance code', () => {
    const error = new ToolLibExistsError('Tool lib "x" already exists');
    expect(error.code).toBe(ToolLibExistsError.code);
    expect(error.name).toBe('ToolLibExistsError');
  });
});
