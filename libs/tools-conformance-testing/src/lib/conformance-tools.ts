import { defineToolLibrary } from '@mcp-factory/core-factory';
import { contentTools } from './content-tools';
import { elicitationTools } from './elicitation-tools';
import { headerTool } from './header-tool';
import { jsonSchemaTool } from './json-schema-tool';
import { notificationTools } from './notification-tools';

/**
 * The tools the official conformance suite (`@modelcontextprotocol/conformance`) calls by name, on our
 * tool contract: served by the real `createServer`, in the real service, only for tests.
 */
export const conformanceTools = defineToolLibrary('conformance', [...contentTools, ...notificationTools, jsonSchemaTool, headerTool, ...elicitationTools]);

/** Their names, in the order tools/list gives them. */
export const CONFORMANCE_TOOL_NAMES: readonly string[] = conformanceTools.tools.map((tool) => tool.name);
