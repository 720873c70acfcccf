import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearerFromHeaders } from '../auth/bearer-token';
import { RouteNotFoundError, TokenInvalidError, TokenMissingError } from '../errors';
import { wwwAuthenticate } from '../http/responses';
import { fail } from './call';
import type { MetricsEndpoint, WrappedServerAddress, WrapperContext } from './wrapper-context';

/** Answers `GET /metrics`: Prometheus text from the wrapper's own registry, after the token check when one is set. */
export async function serveMetrics(ctx: WrapperContext, endpoint: MetricsEndpoint, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
  if (endpoint.token !== undefined) {
    const given = bearerFromHeaders(req.headers);
    if (given === undefined || !sameSecret(given, endpoint.token)) {
      const error = given === undefined ? new TokenMissingError() : new TokenInvalidError();
      return fail(ctx, { res, requestId }, error, { 'WWW-Authenticate': wwwAuthenticate({ realm: 'metrics', error: given === undefined ? undefined : 'invalid_token' }) });
    }
  }
  const body = await ctx.metrics.registry.metrics();
  res.setHeader('Content-Type', ctx.metrics.registry.contentType);
  res.setHeader('Cache-Control', 'no-store');
  res.end(body);
}

/** Constant-time comparison of two strings of any length. */
function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `/metrics` on a listener of its own (`metrics.port`, loopback by default), apart from the public one. */
export class MetricsListener {
  private readonly server: HttpServer;
  private bound: WrappedServerAddress | undefined;

  constructor(
    private readonly ctx: WrapperContext,
    private readonly endpoint: MetricsEndpoint & { port: number },
  ) {
    this.server = createServer((req, res) => {
      const requestId = randomUUID();
      const path = (req.url ?? '/').split('?')[0];
      const serve = path === endpoint.path && (req.method === 'GET' || req.method === 'HEAD');
      const answer = serve ? serveMetrics(ctx, endpoint, req, res, requestId) : Promise.resolve(fail(ctx, { res, requestId }, new RouteNotFoundError()));
      answer.catch((error) => fail(ctx, { res, requestId }, error));
    });
  }

  /** Where it listens (after `start()`). */
  get address(): WrappedServerAddress | undefined {
    return this.bound;
  }

  async start(): Promise<WrappedServerAddress> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.endpoint.port, this.endpoint.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const { port } = this.server.address() as AddressInfo;
    const host = this.endpoint.host.includes(':') ? `[${this.endpoint.host}]` : this.endpoint.host;
    this.bound = { host: this.endpoint.host, port, url: `http://${host}:${port}${this.endpoint.path}` };
    this.ctx.logger.info('metrics listening', { url: this.bound.url });
    return this.bound;
  }

  async stop(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}
