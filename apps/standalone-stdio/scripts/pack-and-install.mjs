// The package as a user gets it, for the measuring scripts: `npm pack` the built bundle
// (dist/apps/standalone-stdio) and install the tarball into an empty project, offline (it has no
// dependencies to fetch). Returns npm's pack report and where it was installed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const workspace = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const bundle = path.join(workspace, 'dist/apps/standalone-stdio');

export function packAndInstall(root) {
  if (!existsSync(path.join(bundle, 'package.json'))) throw new Error(`${bundle} is not built: run \`npx nx build standalone-stdio\` first`);
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', root], { cwd: bundle, encoding: 'utf8' }));
  const consumer = path.join(root, 'consumer');
  mkdirSync(consumer);
  writeFileSync(path.join(consumer, 'package.json'), '{"name":"consumer","version":"1.0.0","private":true}');
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', path.join(root, packed.filename)], { cwd: consumer });
  return { packed, consumer, packageDir: path.join(consumer, 'node_modules', packed.name), bin: path.join(consumer, 'node_modules/.bin', packed.name) };
}

/** Bytes of every file under `dir`, by path relative to it. */
export function fileSizes(dir) {
  return Object.fromEntries(
    readdirSync(dir, { recursive: true })
      .map((file) => String(file))
      .filter((file) => statSync(path.join(dir, file)).isFile())
      .map((file) => [file, statSync(path.join(dir, file)).size]),
  );
}

/** Bytes of all files under `dir`. */
export function sizeOf(dir) {
  return Object.values(fileSizes(dir)).reduce((sum, size) => sum + size, 0);
}
