// The package's type declarations, generated from the source at build time (never kept by hand):
//   1. tsc emits declarations for src/factory.ts and src/main.ts (type-checking them; errors fail the build);
//   2. dts-bundle-generator bundles the emitted factory.d.ts and the local files it imports into one file;
//   3. the bundle must be self-contained (no import, require or reference): the package installs no
//      dependencies, so a type from the SDK, zod, Prisma or @types/node would be missing in a consumer
//      and, under skipLibCheck, silently `any`.
// Writes factory.d.ts (for `import`), factory.d.cts (for `require`; TypeScript reads CommonJS types from
// .d.cts beside a .cjs) and main.d.ts. dts-bundle-generator runs on tsc's output rather than on the
// source because it walks every file of its program, and the app's program reaches PGlite's declarations,
// which it cannot read.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateDtsBundle } from 'dts-bundle-generator';
import ts from 'typescript';

/** Emits the declarations of `entries` (paths relative to appRoot) into a temp dir; throws on type errors. */
function emitDeclarations(appRoot, workspace, entries, outDir) {
  const configPath = path.join(appRoot, 'tsconfig.app.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } });
  const options = { ...parsed.options, noEmit: false, declaration: true, emitDeclarationOnly: true, declarationMap: false, sourceMap: false, outDir, rootDir: workspace };
  const program = ts.createProgram(entries.map((entry) => path.join(appRoot, entry)), options);
  const result = program.emit();
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics].filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (diagnostics.length > 0) {
    const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => workspace, getNewLine: () => '\n' };
    throw new Error(`type errors in the package's entries:\n${ts.formatDiagnostics(diagnostics, host)}`);
  }
  return (entry) => path.join(outDir, path.relative(workspace, path.join(appRoot, entry)).replace(/\.ts$/, '.d.ts'));
}

/** Throws unless `declarations` stand alone: nothing imported, required or referenced. */
function assertSelfContained(name, declarations) {
  const outside = declarations.split('\n').filter((line) => /^\s*(import\b|export\s.*\bfrom\s|\/\/\/\s*<reference)|\brequire\(|\bimport\(/.test(line));
  if (outside.length > 0) {
    throw new Error(
      `${name} is not self-contained; it refers to types the package does not install:\n  ${outside.join('\n  ')}\n` +
        "Declare the public types of ./factory in apps/standalone-stdio/src/factory-types.ts instead (see its header).",
    );
  }
}

/**
 * Writes factory.d.ts, factory.d.cts and main.d.ts into `outdir`, generated from `appRoot`'s source.
 * Returns the factory declarations.
 */
export function emitPackageTypes({ appRoot, workspace, outdir }) {
  const scratch = mkdtempSync(path.join(tmpdir(), 'mcpf-types-'));
  try {
    const emitted = emitDeclarations(appRoot, workspace, ['src/factory.ts', 'src/main.ts'], scratch);
    const factoryDts = emitted('src/factory.ts');
    const [factory] = generateDtsBundle(
      [{ filePath: factoryDts, libraries: { allowedTypesLibraries: [] }, output: { noBanner: true, exportReferencedTypes: false } }],
      { preferredConfigPath: writeScratchTsconfig(scratch, factoryDts) },
    );
    assertSelfContained('factory.d.ts', factory);
    const main = readFileSync(emitted('src/main.ts'), 'utf8');
    assertSelfContained('main.d.ts', main);

    const header = '// Generated from apps/standalone-stdio/src/factory.ts and factory-types.ts by scripts/emit-types.mjs.\n';
    writeFileSync(path.join(outdir, 'factory.d.ts'), header + factory);
    writeFileSync(path.join(outdir, 'factory.d.cts'), header + factory);
    writeFileSync(path.join(outdir, 'main.d.ts'), '// `.` starts the stdio server when imported; it exports nothing. Build servers with `mcp-factory-stdio/factory`.\n' + main);
    return factory;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** dts-bundle-generator compiles the entry's declarations and what they import: strict, no @types. */
function writeScratchTsconfig(dir, entry) {
  const file = path.join(dir, 'tsconfig.json');
  writeFileSync(file, JSON.stringify({ compilerOptions: { strict: true, target: 'es2022', module: 'commonjs', types: [], skipLibCheck: false }, files: [entry] }));
  return file;
}
