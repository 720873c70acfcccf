/** The text of a tool result's first content item. */
export function text(result: unknown): string {
  const content = (result as { content: Array<{ type: string; text?: string }> }).content;
  return content[0]?.text ?? '';
}

/** Resolves once process `pid` has exited; rejects after `timeoutMs`. */
export { waitForProcessExit as waitForExit } from '@mcp-factory/shared-util/testing';
