// The published package as a user gets it: `npm pack` the bundle (dist/apps/standalone-stdio, built by
// `nx build standalone-stdio`) and install the tarball into an empty project outside the workspace,
// offline (it has no dependencies to fetch).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const workspace = resolve(__dirname, '../../../..');
export const bundle = join(workspace, 'dist/apps/standalone-stdio');
export const PACKAGE = 'mcp-factory-stdio';

export interface InstalledPackage {
  /** The project the tarball was installed into (its package.json has no `type`). */
  consumer: string;
  /** consumer/node_modules/mcp-factory-stdio */
  packageDir: string;
  /** The paths `npm pack` put in the tarball. */
  files: string[];
  /** The tarball's size. */
  packedBytes: number;
  /** What npm reports the package unpacks to. */
  unpackedBytes: number;
}

/** Runs the build when the bundle is missing (e.g. jest run without Nx, which builds it first). */
function ensureBundle(): void {
  if (existsSync(join(bundle, 'package.json')) && existsSync(join(bundle, 'bin.js'))) return;
  execFileSync(process.execPath, [join(workspace, 'apps/standalone-stdio/scripts/build.mjs')], { cwd: workspace, stdio: 'inherit' });
}

/** Packs the bundle into `root` and installs the tarball into `root`/consumer. */
export function packAndInstall(root: string): InstalledPackage {
  ensureBundle();
  const quiet: { encoding: 'utf8'; stdio: ['ignore', 'pipe', 'pipe'] } = { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] };
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', root], { ...quiet, cwd: bundle })) as Array<{
    filename: string;
    size: number;
    unpackedSize: number;
    files: Array<{ path: string }>;
  }>;
  const consumer = join(root, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', join(root, packed.filename)], { ...quiet, cwd: consumer });
  return {
    consumer,
    packageDir: join(consumer, 'node_modules', PACKAGE),
    files: packed.files.map((file) => file.path),
    packedBytes: packed.size,
    unpackedBytes: packed.unpackedSize,
  };
}
