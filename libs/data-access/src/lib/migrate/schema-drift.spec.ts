import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createTestDatabase, describeEachEngine, type TestDatabase } from '../../testing';
import { MIGRATIONS_TABLE } from './migrator';

/** The generated client's runtime data model (what Prisma maps queries with). */
interface RuntimeDataModel {
  models: Record<string, { dbName: string | null; fields: { name: string; kind: string; type: string; dbName?: string | null }[] }>;
}

/** Column types each Prisma scalar may map to (the schema's @db attributes pick one). */
const PRISMA_TO_PG: Record<string, string[]> = {
  String: ['text', 'uuid', 'character varying'],
  DateTime: ['timestamp with time zone', 'timestamp without time zone'],
  Int: ['integer'],
  BigInt: ['bigint'],
  Boolean: ['boolean'],
  Float: ['double precision'],
  Json: ['jsonb'],
};

/**
 * Optional fields (`Type?`) and @@id per model, read from schema.prisma: the runtime data model
 * carries names and types but not nullability or keys.
 */
function schemaFacts(): Record<string, { optional: Set<string>; id: string[] }> {
  const schema = readFileSync(path.join(__dirname, '../../../prisma/schema.prisma'), 'utf8');
  const facts: Record<string, { optional: Set<string>; id: string[] }> = {};
  for (const [, model, body] of schema.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)) {
    const optional = new Set([...body.matchAll(/^\s+(\w+)\s+\w+\?/gm)].map((m) => m[1]));
    const id = body.match(/@@id\(\[([^\]]+)\]\)/)?.[1].split(',').map((s) => s.trim()) ?? [];
    facts[model] = { optional, id };
  }
  return facts;
}

describeEachEngine('schema drift', (engine) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(engine);
  }, 120_000);
  afterAll(() => db?.drop());

  async function sql<T>(query: string): Promise<T[]> {
    return db.database.unscoped.$queryRawUnsafe<T[]>(query);
  }

  it('has exactly the tables and columns of the Prisma schema, with matching types, nullability and keys', async () => {
    const dataModel = (db.database.unscoped as unknown as { _runtimeDataModel: RuntimeDataModel })._runtimeDataModel;
    const facts = schemaFacts();
    const models = Object.entries(dataModel.models);
    expect(models.length).toBeGreaterThanOrEqual(2);

    const tables = await sql<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '${MIGRATIONS_TABLE}' ORDER BY 1`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(models.map(([name, m]) => m.dbName ?? name).sort());

    for (const [name, model] of models) {
      const table = model.dbName ?? name;
      const columns = await sql<{ column_name: string; data_type: string; is_nullable: string }>(
        `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '${table}' ORDER BY column_name`,
      );
      const scalars = model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum');
      const expected = scalars.map((f) => ({ column: f.dbName ?? f.name, field: f })).sort((a, b) => a.column.localeCompare(b.column));
      expect({ table, columns: columns.map((c) => c.column_name) }).toEqual({ table, columns: expected.map((e) => e.column) });
      for (const { column, field } of expected) {
        const actual = columns.find((c) => c.column_name === column) ?? { data_type: 'missing', is_nullable: 'missing' };
        expect({ table, column, type: PRISMA_TO_PG[field.type]?.includes(actual.data_type) ? field.type : actual.data_type }).toEqual({ table, column, type: field.type });
        expect({ table, column, nullable: actual.is_nullable === 'YES' }).toEqual({ table, column, nullable: facts[name].optional.has(field.name) });
      }

      const pk = await sql<{ column_name: string }>(
        `SELECT a.attname AS column_name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
         WHERE i.indrelid = '"${table}"'::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`,
      );
      const idColumns = facts[name].id.map((f) => scalars.find((s) => s.name === f)?.dbName ?? f);
      expect({ table, pk: pk.map((p) => p.column_name) }).toEqual({ table, pk: idColumns });
    }
  });

  it('makes every tenant table lead its keys with tenant_id, refuse an empty tenant and enforce forced RLS for mcp_app', async () => {
    const dataModel = (db.database.unscoped as unknown as { _runtimeDataModel: RuntimeDataModel })._runtimeDataModel;
    for (const [name, model] of Object.entries(dataModel.models)) {
      const table = model.dbName ?? name;
      expect(model.fields.some((f) => f.name === 'tenantId')).toBe(true);
      const [rls] = await sql<{ enabled: boolean; forced: boolean }>(`SELECT relrowsecurity AS enabled, relforcerowsecurity AS forced FROM pg_class WHERE oid = '"${table}"'::regclass`);
      expect({ table, ...rls }).toEqual({ table, enabled: true, forced: true });
      // '' is no tenant: every policy and the column default read the setting through NULLIF, and a
      // CHECK refuses an empty tenant_id outright (what a pooled connection's setting reads as after a tenant).
      const policies = await sql<{ qual: string; with_check: string | null }>(`SELECT qual, with_check FROM pg_policies WHERE tablename = '${table}'`);
      expect(policies.length).toBeGreaterThan(0);
      const noEmptyTenant = "NULLIF(current_setting('app.tenant_id'::text, true), ''::text)";
      for (const p of policies) expect({ table, qual: p.qual, withCheck: p.with_check ?? p.qual }).toEqual({ table, qual: `(tenant_id = ${noEmptyTenant})`, withCheck: `(tenant_id = ${noEmptyTenant})` });
      const [column] = await sql<{ column_default: string }>(
        `SELECT column_default FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '${table}' AND column_name = 'tenant_id'`,
      );
      expect({ table, default: column.column_default }).toEqual({ table, default: noEmptyTenant });
      const checks = await sql<{ def: string }>(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = '"${table}"'::regclass AND contype = 'c'`);
      expect({ table, checks: checks.map((c) => c.def) }).toEqual({ table, checks: expect.arrayContaining(["CHECK ((tenant_id <> ''::text))"]) });
      const indexes = await sql<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE tablename = '${table}'`);
      for (const { indexdef } of indexes) expect(indexdef).toMatch(/\(tenant_id[,)]/);
      const [grants] = await sql<{ n: number }>(
        `SELECT count(DISTINCT privilege_type)::int AS n FROM information_schema.role_table_grants WHERE grantee = 'mcp_app' AND table_name = '${table}' AND privilege_type IN ('SELECT','INSERT','UPDATE','DELETE')`,
      );
      expect({ table, grants: grants.n }).toEqual({ table, grants: 4 });
    }
  });
});
