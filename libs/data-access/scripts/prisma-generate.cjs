#!/usr/bin/env node
// Generates the Prisma client into libs/data-access/src/generated/prisma, offline.
// `prisma generate` never runs the schema engine, but the Prisma 7 CLI still tries to download it
// unless PRISMA_SCHEMA_ENGINE_BINARY names an existing file; any file will do, so we point it at node.
// Used by the Nx target `data-access:prisma-generate`, `npm run prisma:generate` and `postinstall`.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const schema = path.join(__dirname, '..', 'prisma', 'schema.prisma');
const cli = require.resolve('prisma/build/index.js');
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1' };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;

const result = spawnSync(process.execPath, [cli, 'generate', '--schema', schema], { stdio: 'inherit', env });
if (result.error) {
  console.error(`prisma generate failed to start: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
