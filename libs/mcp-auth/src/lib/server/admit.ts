import type { AuthSuccess } from '../auth/types';
import { RateLimitedError } from '../errors';
import { fail, type Call } from './call';
import type { WrapperContext } from './wrapper-context';

/**
 * Step 4 — admission: charges the user's token bucket. An empty bucket answers 429 with a truthful
 * `Retry-After` and returns false. (Session and subscription caps are charged where a session or a
 * `subscriptions/listen` stream is opened, since only those hold anything.)
 */
export function admit(ctx: WrapperContext, call: Call, auth: AuthSuccess): boolean {
  const wait = ctx.limiter.take(auth.userId);
  if (wait <= 0) return true;
  ctx.logger.warn('rate limited', { requestId: call.requestId, userId: auth.userId, retryAfter: wait });
  fail(ctx, call, new RateLimitedError(wait), { 'Retry-After': String(wait) });
  return false;
}
