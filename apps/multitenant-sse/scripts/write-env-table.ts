// `npx nx run multitenant-sse:env-table`: rewrites the configuration table of the app's README from .env.example.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderEnvTable, withEnvTable } from './env-table';

const appRoot = join(__dirname, '..');
const readmePath = join(appRoot, 'README.md');
const table = renderEnvTable(readFileSync(join(appRoot, '.env.example'), 'utf8'));
writeFileSync(readmePath, withEnvTable(readFileSync(readmePath, 'utf8'), table));
process.stderr.write(`env-table: ${table.split('\n').length - 2} rows written to ${readmePath}\n`);
