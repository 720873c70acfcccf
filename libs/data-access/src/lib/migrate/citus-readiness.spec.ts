// Keeps the schema ready for Citus (docs/citus.md): every tenant table is distributed on tenant_id, so
// its primary key, every unique constraint and every foreign key must include tenant_id (Citus cannot
// enforce them across shards otherwise), and every table of the schema is a tenant table or a declared
// reference table. Read from the migrated catalog (all migrations applied on PGlite), not from the
// Prisma schema: it is the SQL that ships.
import { createTestDatabase, type TestDatabase } from '../../testing';
import { MIGRATIONS_TABLE } from './migrator';

/** The distribution column. */
const TENANT_COLUMN = 'tenant_id';
/** Tables replicated to every node (`create_reference_table`): shared lookups without tenant_id. None yet. */
const REFERENCE_TABLES: readonly string[] = [];

interface Row {
  table: string;
  kind: 'p' | 'u' | 'f';
  name: string;
  columns: string[];
  /** Foreign keys: the referenced table and columns. */
  refTable: string | null;
  refColumns: string[] | null;
}

type Query = <T>(sql: string) => Promise<T[]>;

/** Every way the public schema is not ready to be distributed on tenant_id (empty when it is). */
async function citusReadinessProblems(query: Query, ignoredTables: readonly string[] = [MIGRATIONS_TABLE]): Promise<string[]> {
  const tables = (await query<{ table: string; has_tenant: boolean }>(`
    SELECT c.relname AS table,
           EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = '${TENANT_COLUMN}' AND NOT a.attisdropped) AS has_tenant
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')`)).filter((t) => !ignoredTables.includes(t.table));
  const constraints = await query<Row>(`
    SELECT c.conrelid::regclass::text AS table, c.contype AS kind, c.conname AS name,
           ARRAY(SELECT a.attname::text FROM unnest(c.conkey) k JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k) AS columns,
           CASE WHEN c.contype = 'f' THEN c.confrelid::regclass::text END AS "refTable",
           CASE WHEN c.contype = 'f' THEN ARRAY(SELECT a.attname::text FROM unnest(c.confkey) k JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k) END AS "refColumns"
    FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
    WHERE n.nspname = 'public' AND c.contype IN ('p', 'u', 'f')`);
  const uniqueIndexes = await query<{ table: string; name: string; columns: string[] }>(`
    SELECT i.indrelid::regclass::text AS table, i.indexrelid::regclass::text AS name,
           ARRAY(SELECT a.attname::text FROM unnest(i.indkey) k JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k) AS columns
    FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND i.indisunique`);

  const problems: string[] = [];
  const tenantTables = new Set(tables.filter((t) => t.has_tenant).map((t) => t.table));
  const unquote = (name: string) => name.replace(/^"|"$/g, '');
  for (const t of tables) {
    if (!t.has_tenant && !REFERENCE_TABLES.includes(t.table)) problems.push(`${t.table}: no ${TENANT_COLUMN} column and not a declared reference table`);
  }
  for (const table of tenantTables) {
    if (!constraints.some((c) => unquote(c.table) === table && c.kind === 'p')) problems.push(`${table}: no primary key`);
  }
  for (const c of constraints) {
    const table = unquote(c.table);
    if (!tenantTables.has(table)) continue;
    const what = c.kind === 'p' ? 'primary key' : c.kind === 'u' ? 'unique constraint' : 'foreign key';
    if (!c.columns.includes(TENANT_COLUMN)) problems.push(`${table}: ${what} ${c.name} (${c.columns.join(', ')}) lacks ${TENANT_COLUMN}`);
    if (c.kind === 'f' && c.refTable && tenantTables.has(unquote(c.refTable))) {
      const at = c.columns.indexOf(TENANT_COLUMN);
      if (at < 0 || c.refColumns?.[at] !== TENANT_COLUMN) problems.push(`${table}: foreign key ${c.name} does not match ${TENANT_COLUMN} to ${unquote(c.refTable)}.${TENANT_COLUMN} (colocated join)`);
    }
  }
  for (const index of uniqueIndexes) {
    if (tenantTables.has(unquote(index.table)) && !index.columns.includes(TENANT_COLUMN)) problems.push(`${unquote(index.table)}: unique index ${index.name} lacks ${TENANT_COLUMN}`);
  }
  return [...new Set(problems)];
}

describe('Citus readiness of the migrated schema', () => {
  let db: TestDatabase;
  const query: Query = (sql) => db.database.unscoped.$queryRawUnsafe(sql);

  beforeAll(async () => {
    db = await createTestDatabase('embedded');
  }, 120_000);
  afterAll(() => db?.drop());

  it('has tenant_id in every tenant table’s primary key, unique constraints and foreign keys', async () => {
    expect(await citusReadinessProblems(query)).toEqual([]);
    // The check saw the real tables (it is not passing on an empty catalog).
    const tables = await query<{ relname: string }>("SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY relname");
    expect(tables.map((t) => t.relname)).toEqual(expect.arrayContaining(['greeting', 'note']));
  });

  it('fails a table whose primary key, unique constraint or foreign key lacks tenant_id', async () => {
    // A scratch schema on the same database: tables that a careless migration could add.
    await query(`CREATE TABLE bad_parent (tenant_id text NOT NULL, id int NOT NULL, code text, PRIMARY KEY (id), UNIQUE (code))`);
    await query(`CREATE TABLE good_parent (tenant_id text NOT NULL, id int NOT NULL, PRIMARY KEY (tenant_id, id))`);
    await query(`CREATE TABLE bad_child (tenant_id text NOT NULL, id int NOT NULL, parent_id int, PRIMARY KEY (tenant_id, id), FOREIGN KEY (parent_id) REFERENCES bad_parent (id))`);
    await query(`CREATE TABLE crossed_child (tenant_id text NOT NULL, other text NOT NULL, id int NOT NULL, parent int NOT NULL, PRIMARY KEY (tenant_id, id), FOREIGN KEY (other, parent) REFERENCES good_parent (tenant_id, id))`);
    await query(`CREATE TABLE lookup (code text PRIMARY KEY)`);
    await query(`CREATE UNIQUE INDEX good_parent_id_uq ON good_parent (id)`);
    try {
      const problems = await citusReadinessProblems(query);
      expect(problems).toEqual(
        expect.arrayContaining([
          'bad_parent: primary key bad_parent_pkey (id) lacks tenant_id',
          'bad_parent: unique constraint bad_parent_code_key (code) lacks tenant_id',
          'bad_child: foreign key bad_child_parent_id_fkey (parent_id) lacks tenant_id',
          'crossed_child: foreign key crossed_child_other_parent_fkey does not match tenant_id to good_parent.tenant_id (colocated join)',
          'lookup: no tenant_id column and not a declared reference table',
          'good_parent: unique index good_parent_id_uq lacks tenant_id',
        ]),
      );
      expect(problems.filter((p) => p.startsWith('good_parent: primary key'))).toEqual([]);
    } finally {
      await query('DROP TABLE crossed_child, bad_child, good_parent, bad_parent, lookup');
    }
  });
});
