import { McpFactoryError } from '@mcp-factory/shared-util';

/** The tool-lib name is not kebab-case, starts with `tools-`, or is too long. */
export class ToolLibNameInvalidError extends McpFactoryError {
  static override readonly code = 'ERR_TOOL_LIB_NAME_INVALID';
  override readonly code = 'ERR_TOOL_LIB_NAME_INVALID';
}

/** The tool-lib name is reserved for the workspace's own libraries (`hello`, `core`, `auth`, …). */
export class ToolLibNameReservedError extends McpFactoryError {
  static override readonly code = 'ERR_TOOL_LIB_NAME_RESERVED';
  override readonly code = 'ERR_TOOL_LIB_NAME_RESERVED';
}

/** The folder, the project or the import path of the tool lib already exists. */
export class ToolLibExistsError extends McpFactoryError {
  static override readonly code = 'ERR_TOOL_LIB_EXISTS';
  override readonly code = 'ERR_TOOL_LIB_EXISTS';
}

/** A file the generator edits (`tsconfig.base.json`, an app's `tool-libraries.ts`) has an unexpected shape. */
export class WorkspaceUnrecognisedError extends McpFactoryError {
  static override readonly code = 'ERR_WORKSPACE_UNRECOGNISED';
  override readonly code = 'ERR_WORKSPACE_UNRECOGNISED';
}

export const workspaceErrors = {
  ToolLibNameInvalidError,
  ToolLibNameReservedError,
  ToolLibExistsError,
  WorkspaceUnrecognisedError,
} as const;

export type WorkspaceErrorCode = (typeof workspaceErrors)[keyof typeof workspaceErrors]['code'];
