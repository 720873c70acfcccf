import type { IncomingHttpHeaders } from 'node:http';
import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import { classifyInboundRequest } from '@modelcontextprotocol/server';
import { isPlainRequestOrNotification } from '../transport/json-rpc';
import type { ProtocolEra } from './config';

/** The `_meta` key whose presence makes a request claim a per-request (2026-07-28 or later) envelope. */
const PROTOCOL_VERSION_META_KEY = 'io.modelcontextprotocol/protocolVersion';
/** Protocol versions of the 2025 era: an `MCP-Protocol-Version` header naming one of them never makes a request modern. */
const LEGACY_VERSIONS = new Set<string>(SUPPORTED_PROTOCOL_VERSIONS);
const REQUEST_KEYS = new Set(['jsonrpc', 'id', 'method', 'params']);

/**
 * The era of a POST to `/mcp`: `legacy` exactly when the SDK's `classifyInboundRequest` (the step
 * behind its `createMcpHandler` and `isLegacyRequest`) routes it to 2025-era serving; `modern`
 * otherwise — a 2026-07-28 request, or one the SDK's ladder rejects, which its handler answers.
 *
 * The classifier runs zod over the body (about 20 µs a request), so the two shapes almost every
 * request has are recognised first, with verdicts the classifier would give (`era.spec.ts` holds
 * them to it on random bodies and headers): a plain request or notification without `_meta` and
 * without a 2026 `MCP-Protocol-Version` header is `legacy`; a message whose params claim the
 * envelope, other than `initialize` (which the classifier treats by its own rule), is not `legacy`.
 * Everything else is classified by the SDK.
 */
export function eraOf(headers: IncomingHttpHeaders, body: unknown): ProtocolEra {
  const versionHeader = single(headers['mcp-protocol-version']);
  if ((versionHeader === undefined || LEGACY_VERSIONS.has(versionHeader)) && isPlainRequestOrNotification(body)) return 'legacy';
  if (claimsEnvelope(body)) return 'modern';
  const outcome = classifyInboundRequest({
    httpMethod: 'POST',
    protocolVersionHeader: versionHeader,
    mcpMethodHeader: single(headers['mcp-method']),
    mcpNameHeader: single(headers['mcp-name']),
    body,
  });
  return outcome.kind === 'legacy' ? 'legacy' : 'modern';
}

/** A single JSON-RPC message (no response keys) that is not `initialize` and whose params carry the envelope claim. */
function claimsEnvelope(body: unknown): boolean {
  if (!isPlain(body) || body['jsonrpc'] !== '2.0' || typeof body['method'] !== 'string' || body['method'] === 'initialize') return false;
  for (const key of Object.keys(body)) if (!REQUEST_KEYS.has(key)) return false;
  const params = body['params'];
  const meta = isPlain(params) ? params['_meta'] : undefined;
  return isPlain(meta) && Object.prototype.hasOwnProperty.call(meta, PROTOCOL_VERSION_META_KEY);
}

function isPlain(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
