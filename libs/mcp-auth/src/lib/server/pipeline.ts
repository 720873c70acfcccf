import type { IncomingMessage, ServerResponse } from 'node:http';
import { admit } from './admit';
import { authenticate } from './authenticate';
import { fail } from './call';
import { enter } from './door';
import { guard } from './guard';
import { ModernEndpoint } from './modern-endpoint';
import { route } from './route';
import { openSseStream, postSseMessage } from './sse-endpoint';
import { serveStreamableHttp } from './streamable-http-endpoint';
import type { WrapperContext } from './wrapper-context';

/**
 * The one way through the service. Each step is a file, entered once, in this order:
 *
 * 1. `door.ts` — request id, CORS; `/health`, `/ready`, `/metrics`, RFC 9728 are answered there.
 * 2. `guard.ts` — draining, method, Host/Origin (DNS rebinding), declared body size.
 * 3. `authenticate.ts` — the bearer token, on every request.
 * 4. `admit.ts` — the user's rate limit.
 * 5. `route.ts` — the body, then era and transport (the SDK's `classifyInboundRequest`).
 * 6. the endpoint — `modern-endpoint.ts` (2026-07-28, the SDK's `createMcpHandler`),
 *    `streamable-http-endpoint.ts` and `sse-endpoint.ts` (2025 era, our transports).
 * 7. `server-instance.ts` — the user's server: a session's, or one per request.
 */
export class Pipeline {
  private readonly modern: ModernEndpoint;

  constructor(private readonly ctx: WrapperContext) {
    this.modern = new ModernEndpoint(ctx);
  }

  /** Publishes change events to open `subscriptions/listen` streams (2026-07-28). */
  get notify(): ModernEndpoint['notify'] {
    return this.modern.notify;
  }

  /** The `subscriptions/listen` event bus. */
  get bus(): ModernEndpoint['bus'] {
    return this.modern.bus;
  }

  /** Serves one HTTP request; never rejects (an unexpected error is answered 500 and logged). */
  async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { ctx } = this;
    const call = enter(ctx, req, res);
    if (!call) return;
    try {
      if (!(await guard(ctx, call))) return;
      const auth = await authenticate(ctx, call);
      if (!auth || !(await admit(ctx, call, auth))) return;
      const next = await route(ctx, call);
      if (!next) return;
      switch (next.to) {
        case 'modern':
          return await this.modern.serve(call, auth, next.body);
        case 'streamable-http':
          return await serveStreamableHttp(ctx, call, auth, next.body);
        case 'sse-stream':
          return await openSseStream(ctx, call, auth);
        case 'sse-message':
          return await postSseMessage(ctx, call, auth, next.body);
      }
    } catch (error) {
      fail(ctx, call, error);
    }
  }

  /** Ends the 2026-07-28 side: open listen streams get their graceful result; nothing new is served. */
  close(): Promise<void> {
    return this.modern.close();
  }
}
