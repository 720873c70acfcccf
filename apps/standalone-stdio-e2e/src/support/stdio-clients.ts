// The desktop app as MCP clients of both protocol eras launch it over stdio: the 1.x SDK client
// (2025-era, `initialize`; Claude Desktop and agents on @modelcontextprotocol/sdk) and the v2 client
// pinned to 2026-07-28 (@modelcontextprotocol/client; its StdioClientTransport first probes
// `server/discover` in a short-lived sibling process, then spawns the session's own).
import { Client as ModernClient } from '@modelcontextprotocol/client';
import { StdioClientTransport as ModernStdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';

export type Era = 'legacy' | 'modern';
export const ERAS: readonly Era[] = ['legacy', 'modern'];

export interface SpawnParameters {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

/** An elicitation answer, as a user gives it. */
export type ElicitAnswer = { action: 'accept'; content: Record<string, string | number | boolean> } | { action: 'decline' | 'cancel' };

export interface LaunchOptions {
  /** Answers the server's questions (declares form elicitation); without it the client declares none. */
  onElicit?: (message: string) => ElicitAnswer | Promise<ElicitAnswer>;
}

/** One client driving one app process, whichever era it speaks. */
export interface StdioClient {
  readonly era: Era;
  /** The app process serving this client (not the v2 client's probe sibling). */
  readonly pid: number;
  readonly stderr: string[];
  serverName(): string | undefined;
  listTools(): Promise<Array<{ name: string; inputSchema: Record<string, unknown> }>>;
  callTool(name: string, args?: Record<string, unknown>, options?: { timeout?: number }): Promise<ToolOutcome>;
  /** Closes stdin, as an MCP client does (the app is expected to exit). */
  close(): Promise<void>;
}

export interface ToolOutcome {
  [field: string]: unknown;
  content?: unknown;
  structuredContent?: unknown;
  isError?: unknown;
}

type Session = Pick<StdioClient, 'pid' | 'serverName' | 'listTools' | 'callTool' | 'close'>;

export async function launchStdioClient(era: Era, spawn: SpawnParameters, options: LaunchOptions = {}): Promise<StdioClient> {
  const stderr: string[] = [];
  const record = (chunk: unknown) => void stderr.push(String(chunk));
  const session = era === 'legacy' ? await connectLegacy(spawn, record, options) : await connectModern(spawn, record, options);
  return { era, stderr, ...session };
}

async function connectLegacy(spawn: SpawnParameters, record: (chunk: unknown) => void, { onElicit }: LaunchOptions): Promise<Session> {
  const transport = new StdioClientTransport({ ...spawn, stderr: 'pipe' });
  transport.stderr?.on('data', record);
  const client = new LegacyClient({ name: 'e2e-legacy', version: '1.0.0' }, { capabilities: onElicit ? { elicitation: {} } : {} });
  if (onElicit) client.setRequestHandler(ElicitRequestSchema, async (request) => onElicit(request.params.message));
  await client.connect(transport);
  return {
    pid: transport.pid as number,
    serverName: () => client.getServerVersion()?.name,
    listTools: async () => (await client.listTools()).tools,
    callTool: (name, args = {}, callOptions) => client.callTool({ name, arguments: args }, undefined, callOptions),
    close: () => client.close(),
  };
}

async function connectModern(spawn: SpawnParameters, record: (chunk: unknown) => void, { onElicit }: LaunchOptions): Promise<Session> {
  const transport = new ModernStdioClientTransport({ ...spawn, stderr: 'pipe' });
  transport.stderr?.on('data', record);
  const client = new ModernClient(
    { name: 'e2e-modern', version: '1.0.0' },
    { capabilities: onElicit ? { elicitation: { form: {} } } : {}, versionNegotiation: { mode: { pin: '2026-07-28' } } },
  );
  if (onElicit) client.setRequestHandler('elicitation/create', async (request) => onElicit(request.params.message));
  await client.connect(transport);
  return {
    pid: transport.pid as number,
    serverName: () => client.getServerVersion()?.name,
    listTools: async () => (await client.listTools()).tools,
    callTool: (name, args = {}, callOptions) => client.callTool({ name, arguments: args }, callOptions),
    close: () => client.close(),
  };
}
