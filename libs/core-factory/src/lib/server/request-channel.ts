import { CLIENT_CAPABILITIES_META_KEY, type ClientCapabilities, type Server, type ServerContext } from '@modelcontextprotocol/server';
import type { ClientLogLevel, ProgressUpdate } from '../tools/tool-contract';

/** Revisions are dates: this one and later are the modern (per-request `_meta`) era. */
const FIRST_MODERN_REVISION = '2026-07-28';

/** What one tool call may send back to the client that made the request, the same in both eras. */
export interface RequestChannel {
  /** Aborted when the client cancels the request or the connection closes. */
  readonly signal: AbortSignal;
  /** This round's answers, when the request is the retry of an input-required result. */
  readonly inputResponses: Record<string, unknown> | undefined;
  /** The state the client echoed with those answers (raw, untrusted). */
  readonly requestState: unknown;
  /** `notifications/message`, filtered by the level the client asked for (the SDK does the filtering). */
  log(level: ClientLogLevel, data: unknown, loggerName: string): Promise<void>;
  /** `notifications/progress` when the request carries a progress token; a value that does not grow is dropped. */
  progress(update: ProgressUpdate): Promise<void>;
  /**
   * Whether the client can be asked a form question: `yes` when it declared form elicitation (at
   * `initialize` on 2025, in this request's `_meta` on 2026-07-28); `undeclared` when it did not;
   * `unreachable` when this server never learnt what it can do — a stateless 2025-era request, which
   * had no `initialize` and has no way back to the client.
   */
  elicitation(): 'yes' | 'undeclared' | 'unreachable';
}

/** The channel of the request `ctx` on `server`. */
export function requestChannel(server: Server, ctx: ServerContext): RequestChannel {
  const { mcpReq } = ctx;
  let lastProgress = -Infinity;
  return {
    signal: mcpReq.signal,
    inputResponses: mcpReq.inputResponses,
    requestState: mcpReq.requestState(),
    // The SDK's level filter: logging/setLevel on a 2025-era session, the request's _meta level on 2026.
    log: (level, data, loggerName) => mcpReq.log(level, data, loggerName),
    async progress({ progress, total, message }) {
      const progressToken = mcpReq._meta?.progressToken;
      if (progressToken === undefined || !(progress > lastProgress)) return;
      lastProgress = progress;
      await mcpReq.notify({
        method: 'notifications/progress',
        params: { progressToken, progress, ...(total !== undefined ? { total } : {}), ...(message !== undefined ? { message } : {}) },
      });
    },
    elicitation() {
      const capabilities = declaredCapabilities(server, ctx);
      if (capabilities === undefined) return 'unreachable';
      return supportsFormElicitation(capabilities) ? 'yes' : 'undeclared';
    },
  };
}

/**
 * The client's capabilities as the SDK's own input-required gate reads them: the request's `_meta` on
 * an instance serving 2026-07-28, the `initialize` declaration on a 2025-era session (none on a
 * stateless 2025-era request, which had no `initialize`).
 */
function declaredCapabilities(server: Server, ctx: ServerContext): ClientCapabilities | undefined {
  const revision = server.getNegotiatedProtocolVersion();
  if (revision !== undefined && revision >= FIRST_MODERN_REVISION) {
    // The published typings declare the envelope as `{}` (SDK 2.4.0); its keys are the *_META_KEY constants.
    const envelope: Record<string, unknown> | undefined = ctx.mcpReq.envelope;
    return envelope?.[CLIENT_CAPABILITIES_META_KEY] as ClientCapabilities | undefined;
  }
  return server.getClientCapabilities();
}

/** Form elicitation: `elicitation.form`, or a bare `elicitation: {}` (before modes existed it meant forms). */
function supportsFormElicitation(capabilities: ClientCapabilities): boolean {
  const elicitation = capabilities.elicitation as { form?: unknown; url?: unknown } | undefined;
  if (elicitation === undefined) return false;
  return elicitation.form !== undefined || elicitation.url === undefined;
}
