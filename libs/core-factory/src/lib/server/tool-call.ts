import type { TenantClient, TenantClientLease } from '@mcp-factory/data-access';
import type { Logger } from '@mcp-factory/shared-util';
import { leaseTenantClient } from '../runtime/factory-runtime';
import type { ToolContext } from '../tools/tool-contract';
import type { CallerIdentity } from './register-tool-handlers';

/** One tool call: its context, and `run` to call the handler within it. */
export interface ToolCall {
  readonly ctx: ToolContext;
  /** Runs the handler; when it settles, the tenant client it got from `ctx.db()` stops serving. */
  run<T>(handler: (ctx: ToolContext) => Promise<T>): Promise<T>;
}

/**
 * Builds the context a tool handler gets: its caller's id, token and logger, and a tenant client
 * leased to this call. Tool code is shared by every tenant, so a client (or a ctx) it keeps past the
 * call must not go on serving this caller's rows to whoever runs the code next: the lease ends with
 * the call (ERR_TENANT_CLIENT_REVOKED). The ctx is frozen: a tool cannot rewrite its own userId.
 */
export function openToolCall(caller: CallerIdentity, logger: Logger, signal: AbortSignal): ToolCall {
  let lease: Promise<TenantClientLease> | undefined;
  let ended = false;
  const ctx: ToolContext = Object.freeze({
    userId: caller.userId,
    accessToken: caller.accessToken,
    logger,
    signal,
    async db(): Promise<TenantClient> {
      // A failed open (database down) is not kept: the next db() of the call tries again.
      lease ??= leaseTenantClient(caller.userId).catch((error: unknown) => {
        lease = undefined;
        throw error;
      });
      const current = await lease;
      if (ended) current.revoke();
      return current.client;
    },
  });
  return {
    ctx,
    async run(handler) {
      try {
        return await handler(ctx);
      } finally {
        ended = true;
        // A db() still opening is revoked as it resolves (above); one already open, here.
        void lease?.then((current) => current.revoke(), () => undefined);
      }
    },
  };
}
