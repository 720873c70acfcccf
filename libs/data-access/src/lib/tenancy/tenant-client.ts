import { Prisma, type PrismaClient } from '../../generated/prisma/client';
import { RawQueryForbiddenError, TenantClientRevokedError } from '../errors';
import { forTenant } from './for-tenant';
import { SCOPED_OPERATIONS, type ScopedOperation } from './scope-args';

function extendForTenant(prisma: PrismaClient, tenantId: string) {
  return prisma.$extends(forTenant(tenantId));
}

/** The Prisma client with the forTenant extension: internal, because it still reaches its base client. */
type ExtendedTenantClient = ReturnType<typeof extendForTenant>;

/** `greeting`, `note`, …: the model delegates' property names. */
export type TenantModelName = Uncapitalize<Prisma.ModelName>;

/** One model's scoped operations (`findMany`, `create`, `upsert`, …), nothing else. */
export type TenantModel<M extends TenantModelName> = Pick<ExtendedTenantClient[M], ScopedOperation>;

/** What the client's `$` methods are here: always refused. */
type Refused = (...args: unknown[]) => never;

/**
 * A client that sees one tenant's rows only: `.greeting`, `.note`, … with the operations the tenant
 * extension can confine (`tenantId` filled in and checked, row-level security underneath).
 *
 * It is a frozen, prototype-less object holding only those functions: nothing reachable from it
 * leads back to the Prisma client. An extended Prisma client would (`$parent`, `_originalClient`, a
 * delegate's `$parent`), and its `$extends`, `$transaction(fn)` and `$queryRaw*` are doors out of
 * the scope. Those names are kept and throw ERR_RAW_QUERY_FORBIDDEN, so a caller learns why.
 */
export type TenantClient = { readonly [M in TenantModelName]: TenantModel<M> } & {
  readonly [N in (typeof REFUSED_METHODS)[number]]: Refused;
};

/** Client methods that would step outside the tenant: raw SQL, interactive transactions, new extensions, the connection. */
export const REFUSED_METHODS = [
  '$queryRaw',
  '$queryRawUnsafe',
  '$queryRawTyped',
  '$executeRaw',
  '$executeRawUnsafe',
  '$runCommandRaw',
  '$transaction',
  '$extends',
  '$connect',
  '$disconnect',
  '$on',
] as const;

function refused(method: string): Refused {
  return () => {
    throw new RawQueryForbiddenError(`${method} is not allowed on a tenant-scoped client: it could step outside the tenant`);
  };
}

function delegateName(model: Prisma.ModelName): TenantModelName {
  return (model.charAt(0).toLowerCase() + model.slice(1)) as TenantModelName;
}

/**
 * Builds the sealed tenant client over `prisma`. Each operation returns a plain Promise (a
 * PrismaPromise could be batched into the base client's `$transaction`).
 */
export function createTenantClient(prisma: PrismaClient, tenantId: string): TenantClient {
  const extended = extendForTenant(prisma, tenantId) as unknown as Record<TenantModelName, Record<ScopedOperation, (args?: unknown) => PromiseLike<unknown>>>;
  const sealed: Record<string, unknown> = Object.create(null);
  for (const model of Object.values(Prisma.ModelName)) {
    const name = delegateName(model);
    const delegate = extended[name];
    const operations: Record<string, unknown> = Object.create(null);
    for (const operation of SCOPED_OPERATIONS) {
      const run = delegate[operation].bind(delegate);
      operations[operation] = async (args?: unknown) => run(args);
    }
    sealed[name] = Object.freeze(operations);
  }
  for (const method of REFUSED_METHODS) sealed[method] = refused(method);
  return Object.freeze(sealed) as TenantClient;
}

/** A tenant client for the length of one call; `revoke()` ends it. */
export interface TenantClientLease {
  readonly client: TenantClient;
  revoke(): void;
}

/**
 * Wraps a tenant client so that it refuses every operation (ERR_TENANT_CLIENT_REVOKED) once
 * revoked. Tool code is shared by every tenant: a client kept past its call (in module state, a
 * timer) would otherwise go on serving its tenant to whoever runs the code next.
 */
export function leaseTenantClient(client: TenantClient): TenantClientLease {
  let revoked = false;
  const source = client as unknown as Record<string, Record<string, (args?: unknown) => Promise<unknown>>>;
  const leased: Record<string, unknown> = Object.create(null);
  for (const model of Object.values(Prisma.ModelName)) {
    const name = delegateName(model);
    const operations: Record<string, unknown> = Object.create(null);
    for (const operation of SCOPED_OPERATIONS) {
      const run = source[name][operation];
      operations[operation] = async (args?: unknown) => {
        if (revoked) throw new TenantClientRevokedError(`${name}.${operation}: this tenant client belonged to a tool call that has ended; call ctx.db() in the call that uses it`);
        return run(args);
      };
    }
    leased[name] = Object.freeze(operations);
  }
  for (const method of REFUSED_METHODS) leased[method] = source[method];
  return Object.freeze({
    client: Object.freeze(leased) as TenantClient,
    revoke() {
      revoked = true;
    },
  });
}
