import { createMcpHandler, McpServer, Server, type McpHttpHandler, type McpRequestContext, type ServerEventBus, type ServerNotifier } from '@modelcontextprotocol/server';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { errorMessage } from '@mcp-factory/shared-util';
import type { AuthSuccess } from '../auth/types';
import { ServerFactoryError, ShuttingDownError } from '../errors';
import { fail, type Call } from './call';
import type { McpServerLike } from './config';
import { instrumentTransport } from './in-flight';
import { checkParamHeaders, paramHeaderDeclarations, type ParamHeaderDeclaration } from './param-headers';
import { authInfoOf, callFactory, reserveSlot, resolveAccessToken } from './server-instance';
import { webRequestOf, writeWebResponse } from './web-exchange';

/** JSON-RPC code of a header/body disagreement (SEP-2243 HeaderMismatch; the SDK answers it with HTTP 400). */
const HEADER_MISMATCH = -32020;
import type { WrapperContext } from './wrapper-context';

/** What the factory callback needs of the request the SDK is serving. */
interface Admitted {
  call: Call;
  auth: AuthSuccess;
  accessToken: string;
}

/**
 * Step 6, 2026-07-28 on `/mcp` — the SDK's own `createMcpHandler` (strict: `legacy: 'reject'`, our
 * 2025-era transports serve that era), called with the body we read and the verified identity as
 * `authInfo`. The SDK runs the validation ladder (`_meta` envelope, `Mcp-Method`/`Mcp-Name`/protocol
 * version headers against the body, client capabilities; `Mcp-Param-*` only for an `McpServer` product,
 * so for the low-level `Server`s the wrapper checks those first — param-headers.ts), `server/discover`,
 * `subscriptions/listen` over its event bus, and answers every error with its request id; it asks
 * our factory callback for the server, which builds it with the app's factory for the admitted user.
 */
export class ModernEndpoint {
  private readonly handler: McpHttpHandler;
  /** The admitted request behind each `authInfo` handed to the SDK (the SDK passes the same object back to the factory). */
  private readonly admitted = new WeakMap<object, Admitted>();
  /** The `x-mcp-header` declarations of each tool schema seen (schemas are per process; computed once each). */
  private readonly paramHeaders = new WeakMap<object, ParamHeaderDeclaration[]>();
  /** Answers still being written (a listen stream's last frames must leave before the connections are cut). */
  private readonly writing = new Set<Promise<void>>();

  constructor(private readonly ctx: WrapperContext) {
    this.handler = createMcpHandler((context) => this.serverFor(context), {
      legacy: 'reject',
      responseMode: ctx.settings.responseMode,
      bus: ctx.config.eventBus ?? ctx.config.sharedState?.eventBus,
      maxSubscriptions: ctx.config.maxSubscriptions,
      maxRequestBodySize: ctx.settings.body.maxBytes,
      onerror: (error) => ctx.logger.debug('2026-07-28 request answered with an error', { error: errorMessage(error) }),
    });
  }

  /** Publishes change events to open `subscriptions/listen` streams. */
  get notify(): ServerNotifier {
    return this.handler.notify;
  }

  /** The bus the listen streams subscribe to (the configured one, or the SDK's in-process default). */
  get bus(): ServerEventBus {
    return this.handler.bus;
  }

  /**
   * Serves one admitted request. A request counts as in flight until its answer is written (the
   * drain waits for it); a `subscriptions/listen` stream holds one of the user's session slots until
   * it closes instead, and is ended by {@link close}.
   */
  async serve(call: Call, auth: AuthSuccess, body: unknown): Promise<void> {
    const { ctx } = this;
    const accessToken = await resolveAccessToken(ctx, call, auth);
    if (accessToken === undefined) return;
    let release: (() => void) | undefined;
    const method = requestMethodOf(body);
    if (method === 'tools/call' && this.refusedParamHeaders(call, body)) return;
    if (method === 'subscriptions/listen') {
      const slot = await reserveSlot(ctx, call, auth);
      if (!slot) return;
      release = () => slot.release();
    } else if (method !== undefined) {
      ctx.inFlight.begin();
      release = () => ctx.inFlight.end();
    }
    const abort = new AbortController();
    call.res.once('close', () => {
      if (!call.res.writableFinished) abort.abort();
      release?.();
    });
    const authInfo = authInfoOf(auth);
    this.admitted.set(authInfo, { call, auth, accessToken });
    let response: Response;
    try {
      response = await this.handler.fetch(webRequestOf(call.req, abort.signal), { authInfo, parsedBody: body });
    } catch {
      // Only a closed handler throws: stop() has begun.
      return fail(ctx, call, new ShuttingDownError());
    }
    const written = writeWebResponse(response, call.res);
    this.writing.add(written);
    await written.finally(() => this.writing.delete(written));
  }

  /**
   * Ends open `subscriptions/listen` streams with their graceful result, aborts what is still
   * running, and waits (at most `graceMs`) for those last frames to be written.
   */
  async close(graceMs = 2_000): Promise<void> {
    await this.handler.close();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.allSettled([...this.writing]), grace]);
    clearTimeout(timer);
  }

  /** SEP-2243 `Mcp-Param-*` check of a `tools/call` (see `toolInputSchema`); answers and returns true when refused. */
  private refusedParamHeaders(call: Call, body: unknown): boolean {
    const lookup = this.ctx.config.toolInputSchema;
    const { id, params } = body as { id: unknown; params?: { name?: unknown; arguments?: unknown } };
    if (!lookup || typeof params?.name !== 'string') return false;
    const schema = lookup(params.name);
    if (schema === undefined || schema === null || typeof schema !== 'object') return false;
    let declarations = this.paramHeaders.get(schema);
    if (declarations === undefined) {
      declarations = paramHeaderDeclarations(schema) ?? [];
      this.paramHeaders.set(schema, declarations);
    }
    const mismatch = declarations.length > 0 ? checkParamHeaders(declarations, params.arguments, call.req.headers) : undefined;
    if (!mismatch) return false;
    this.ctx.logger.debug('2026-07-28 request answered with an error', { error: `Mcp-Param header mismatch: ${mismatch.body}` });
    const answer = { jsonrpc: '2.0', error: { code: HEADER_MISMATCH, message: `Bad Request: the request headers and body disagree: ${mismatch.body}`, data: { mismatch } }, id };
    call.res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    return true;
  }

  private async serverFor(context: McpRequestContext): Promise<McpServer | Server> {
    const admitted = context.authInfo ? this.admitted.get(context.authInfo) : undefined;
    if (!admitted) throw new Error('createMcpHandler asked for a server without an admitted request');
    const { call, auth, accessToken } = admitted;
    let server: McpServerLike;
    try {
      server = await callFactory(this.ctx, call, auth, accessToken, { era: 'modern', transport: 'streamable-http', perRequest: true });
    } catch (error) {
      this.ctx.metrics.errors.inc({ code: 'ERR_SERVER_FACTORY' });
      throw error;
    }
    if (!(server instanceof McpServer || server instanceof Server)) {
      void server.close().catch(() => undefined);
      this.ctx.metrics.errors.inc({ code: 'ERR_SERVER_FACTORY' });
      const message = 'the server factory returned an @modelcontextprotocol/sdk 1.x server, which cannot serve protocol 2026-07-28; return an @modelcontextprotocol/server McpServer or Server';
      this.ctx.logger.error('server factory failed', { requestId: call.requestId, userId: auth.userId, era: 'modern', error: message });
      throw new ServerFactoryError(message);
    }
    observeOnConnect(server, this.ctx);
    return server;
  }
}

/** Instruments the SDK's per-request transport once the handler connects the server to it: tool latency and the registered tool names. */
function observeOnConnect(server: McpServer | Server, ctx: WrapperContext): void {
  const connect = server.connect.bind(server) as (transport: Transport) => Promise<void>;
  (server as { connect: (transport: Transport) => Promise<void> }).connect = async (transport) => {
    await connect(transport);
    instrumentTransport(transport, { metrics: ctx.metrics });
  };
}

/** The method of a single JSON-RPC request (one with an id), else undefined. */
function requestMethodOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { method, id } = body as { method?: unknown; id?: unknown };
  return typeof method === 'string' && id !== undefined ? method : undefined;
}
