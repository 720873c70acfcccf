import type { AuthSuccess } from '../auth/types';
import { RateLimitedError } from '../errors';
import { fail, type Call } from './call';
import type { WrapperContext } from './wrapper-context';

/**
 * Step 4 — admission: charges the user's token bucket (this process's, or the one all replicas share
 * in Redis, which fails open to this process's while Redis is down). An empty bucket answers 429 with a truthful
 * `Retry-After` and returns false. (Session and subscription caps are charged where a session or a
 * `subscriptions/listen` stream is opened, since only those hold anything.)
 */
export function admit(ctx: WrapperContext, call: Call, auth: AuthSuccess): boolean | Promise<boolean> {
  const taken = ctx.limiter.take(auth.userId);
  // The in-process bucket answers synchronously: no extra turn of the event loop for it.
  return typeof taken === 'number' ? verdict(ctx, call, auth, taken) : taken.then((wait) => verdict(ctx, call, auth, wait));
}

function verdict(ctx: WrapperContext, call: Call, auth: AuthSuccess, wait: number): boolean {
  if (wait <= 0) return true;
  ctx.logger.warn('rate limited', { requestId: call.requestId, userId: auth.userId, retryAfter: wait });
  fail(ctx, call, new RateLimitedError(wait), { 'Retry-After': String(wait) });
  return false;
}
