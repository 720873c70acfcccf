// SEP-2243 custom headers (2026-07-28 Streamable HTTP): a tool's input schema may mark a primitive
// argument with `x-mcp-header: "Name"`; clients mirror its value into `Mcp-Param-Name`, and a server
// must refuse a call whose header is missing, badly encoded or different from the argument (400,
// -32020 HeaderMismatch) — the balancer or gateway in front may have routed on the header alone.
// The SDK (2.4) makes this check only when the factory returns an `McpServer` and exports no
// validator; apps built on the low-level `Server` (core-factory) get it here.
// `param-headers.differential.spec.ts` holds this file to the SDK's answers.
import type { IncomingHttpHeaders } from 'node:http';

/** One `x-mcp-header` declaration: where the argument sits and the header that mirrors it. */
export interface ParamHeaderDeclaration {
  readonly path: readonly string[];
  readonly headerName: string;
  readonly type: 'string' | 'integer' | 'boolean' | 'number';
}

/** A refused call: the header at fault and what disagreed. */
export interface ParamHeaderMismatch {
  readonly header: string;
  readonly body: string;
}

const X_MCP_HEADER = 'x-mcp-header';
const RFC9110_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEADER_TYPES = new Set(['string', 'integer', 'boolean', 'number']);
/** Keywords whose subschemas are not reachable through `properties` alone: a declaration there is invalid. */
const UNREACHABLE = ['items', 'prefixItems', 'contains', 'additionalProperties', 'unevaluatedProperties', 'unevaluatedItems', 'propertyNames', 'patternProperties', 'dependentSchemas', 'oneOf', 'anyOf', 'allOf', 'not', 'if', 'then', 'else', '$defs', 'definitions'];
const NAME_TO_SCHEMA = new Set(['patternProperties', 'dependentSchemas', '$defs', 'definitions']);

/**
 * The declarations of a tool's JSON input schema, or `undefined` when the schema declares one
 * invalidly (not reachable through `properties`, not a token, not a primitive, not unique): the spec
 * makes such a tool invalid, and conforming clients leave it out, so nothing is checked for it.
 */
export function paramHeaderDeclarations(inputSchema: unknown): ParamHeaderDeclaration[] | undefined {
  const declarations: ParamHeaderDeclaration[] = [];
  const seen = new Set<string>();
  const visit = (node: unknown, path: string[], reachable: boolean): boolean => {
    if (node === null || typeof node !== 'object') return true;
    const schema = node as Record<string, unknown>;
    if (X_MCP_HEADER in schema) {
      const name = schema[X_MCP_HEADER];
      const type = schema['type'];
      if (!reachable || path.length === 0 || typeof name !== 'string' || !RFC9110_TOKEN.test(name)) return false;
      if (typeof type !== 'string' || !HEADER_TYPES.has(type) || seen.has(name.toLowerCase())) return false;
      seen.add(name.toLowerCase());
      declarations.push({ path, headerName: name, type: type as ParamHeaderDeclaration['type'] });
    }
    const properties = schema['properties'];
    if (properties !== null && typeof properties === 'object') {
      for (const [key, child] of Object.entries(properties)) if (!visit(child, [...path, key], reachable)) return false;
    }
    for (const keyword of UNREACHABLE) {
      const sub = schema[keyword];
      if (sub === undefined) continue;
      const branches = Array.isArray(sub) ? sub : NAME_TO_SCHEMA.has(keyword) && sub !== null && typeof sub === 'object' ? Object.values(sub) : [sub];
      for (const branch of branches) if (!visit(branch, [...path, `<${keyword}>`], false)) return false;
    }
    return true;
  };
  return visit(inputSchema, [], true) ? declarations : undefined;
}

/**
 * Checks a call's `Mcp-Param-*` headers against its arguments. An argument that is absent or null
 * needs no header (a header sent anyway is ignored); a present one needs a header that decodes
 * (`=?base64?…?=` is UTF-8 in canonical Base64) to the same value — numerically equal for numbers.
 */
export function checkParamHeaders(declarations: readonly ParamHeaderDeclaration[], args: unknown, headers: IncomingHttpHeaders): ParamHeaderMismatch | undefined {
  for (const declaration of declarations) {
    const header = `Mcp-Param-${declaration.headerName}`;
    const where = declaration.path.join('.');
    const value = valueAt(args, declaration.path);
    const expected = value === undefined || value === null ? undefined : primitiveText(value);
    if (expected === undefined) continue;
    const raw = headers[header.toLowerCase()];
    if (raw === undefined) return { header, body: `the body carries ${where}=${JSON.stringify(value)} but the ${header} header is absent` };
    const decoded = decodeParamValue(Array.isArray(raw) ? raw.join(', ') : raw);
    if (decoded === undefined) return { header, body: `the ${header} header carries an invalid Base64 sentinel value` };
    const numeric = (declaration.type === 'integer' || declaration.type === 'number') && typeof value === 'number' && /^-?\d+(\.\d+)?$/.test(decoded);
    if (numeric ? Number(decoded) !== value : decoded !== expected) {
      return { header, body: `the ${header} header decodes to ${JSON.stringify(decoded)} but the body carries ${where}=${JSON.stringify(value)}` };
    }
  }
  return undefined;
}

function valueAt(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** The header text of a primitive argument; `undefined` for values no header can carry. */
function primitiveText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  return Number.isInteger(value) && !Number.isSafeInteger(value) ? undefined : String(value);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decodeParamValue(value: string): string | undefined {
  if (!(value.startsWith('=?base64?') && value.endsWith('?='))) return value;
  const payload = value.slice('=?base64?'.length, -'?='.length);
  if (!BASE64.test(payload)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(payload, 'base64'));
  } catch {
    return undefined;
  }
}
