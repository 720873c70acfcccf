// The tool libraries this app serves: the one place to list them (the tool-lib generator edits it).
import type { ToolLibrary } from '@mcp-factory/core-factory';
import { helloTools } from '@mcp-factory/tools-hello';

export const toolLibraries: readonly ToolLibrary[] = [helloTools];
