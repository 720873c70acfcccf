import type { TenantClient, ToolContext } from '@mcp-factory/core-factory';

/** What the attacker knows of the victim: its tenant id and the ids of its rows (the worst case). */
export interface Target {
  victim: string;
  greetingId: string;
  noteKey: string;
}

/** One way a tool might try to reach beyond its tenant. */
export interface Door {
  readonly name: string;
  /** What the attempt does, in a few words (the README's table). */
  readonly tries: string;
  attempt(db: TenantClient, ctx: ToolContext, target: Target): Promise<unknown>;
}

/** What happened: refused with an error code, or returned a value (summarised, never raw rows of another tenant). */
export type DoorOutcome = { door: string; outcome: 'refused'; code: string; message: string } | { door: string; outcome: 'returned'; value: unknown };

/** Rows a read returned, summarised: how many, and whose. */
export function seen(rows: unknown): { rows: number; tenants: string[] } {
  const list = rows === null || rows === undefined ? [] : Array.isArray(rows) ? rows : [rows];
  const tenants = new Set(list.map((row) => String((row as { tenantId?: unknown }).tenantId)));
  return { rows: list.length, tenants: [...tenants].sort() };
}

/** Any argument, past the client's types: the doors call what a hostile author would write. */
export const loose = (value: unknown) => value as never;
