import type { InputRequiredResult } from '@modelcontextprotocol/server';
import type { TenantClient, TenantClientLease } from '@mcp-factory/data-access';
import type { Logger } from '@mcp-factory/shared-util';
import { z } from 'zod';
import { InputRounds } from '../elicitation/input-rounds';
import { ElicitationUnsupportedError } from '../errors';
import { leaseTenantClient } from '../runtime/factory-runtime';
import type { ToolContext } from '../tools/tool-contract';
import type { RequestChannel } from './request-channel';

/** Who a server answers for: the identity `createServer` was given. */
export interface CallerIdentity {
  userId: string;
  accessToken: string;
  /** The parent logger; tool lines go to a child carrying `userId` and `tool`. */
  logger: Logger;
}

/** One run of a tool handler: its context, `run` to call the handler within it, and the questions it left open. */
export interface ToolCall {
  readonly ctx: ToolContext;
  /** Runs the handler; when it settles, the tenant client it got from `ctx.db()` stops serving. */
  run<T>(handler: (ctx: ToolContext) => Promise<T>): Promise<T>;
  /** The input-required result when the handler asked something not yet answered (whatever it then returned or threw). */
  inputRequired(): InputRequiredResult | undefined;
}

const CONFIRMATION = z.object({ confirm: z.boolean().describe('Confirm') });

/**
 * Builds the context a tool handler gets: its caller's id, token and logger, a tenant client leased
 * to this call, and the way back to the client (log, progress, questions). Tool code is shared by
 * every tenant, so a client (or a ctx) it keeps past the call must not go on serving this caller's
 * rows to whoever runs the code next: the lease ends with the call (ERR_TENANT_CLIENT_REVOKED). The
 * ctx is frozen: a tool cannot rewrite its own userId.
 */
export function openToolCall(caller: CallerIdentity, toolName: string, logger: Logger, channel: RequestChannel): ToolCall {
  let lease: Promise<TenantClientLease> | undefined;
  let ended = false;
  const rounds = InputRounds.of(channel.inputResponses, channel.requestState);
  const canAsk = () => {
    const elicitation = channel.elicitation();
    if (elicitation === 'yes') return;
    throw new ElicitationUnsupportedError(
      elicitation === 'undeclared'
        ? `Tool ${toolName} needs to ask you something, but this client cannot show questions (it did not declare the MCP elicitation capability). Use a client that supports elicitation.`
        : `Tool ${toolName} needs to ask you something, but no question can reach your client over this connection (a stateless 2025-era request has no way back to it). Connect with a session, or with a client that speaks MCP 2026-07-28.`,
    );
  };
  const ctx: ToolContext = Object.freeze({
    userId: caller.userId,
    accessToken: caller.accessToken,
    logger,
    signal: channel.signal,
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
    log: (level, data) => channel.log(level, data, toolName),
    progress: (update) => channel.progress(update),
    elicit: (request) => rounds.answer(request, canAsk),
    async confirm(message: string): Promise<boolean> {
      const answer = await rounds.answer<z.output<typeof CONFIRMATION>>({ message, schema: CONFIRMATION }, canAsk);
      return answer.action === 'accept' && answer.content.confirm;
    },
  } satisfies ToolContext);
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
    inputRequired: () => rounds.inputRequired(),
  };
}
