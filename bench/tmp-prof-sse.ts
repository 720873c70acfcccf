import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './lib/child';
import { makePool, mapLimit, openSse, runSseLoad } from './lib/load';
import { userTokens } from './lib/tokens';
async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'prof-'));
  const server = await startServer('x', { kind: 'ours', stateless: false, enableJsonResponse: true }, { execArgv: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
  const tokens = await userTokens(200);
  const auth = (i: number) => ({ authorization: `Bearer ${tokens[i % 200]}` });
  const pool = makePool(server.url, 64);
  const sessions = await mapLimit(tokens, 32, (_, i) => openSse(server.url, auth(i)));
  const r = await runSseLoad(pool, sessions, { concurrency: 64, maxRequests: 1e6, maxMs: 8000, headersFor: auth, text: 'hello' });
  console.log(r.callsPerSec, r.errors, r.firstError);
  for (const s of sessions) s.close();
  await server.stop();
  const p = JSON.parse(readFileSync(join(dir, readdirSync(dir)[0]), 'utf8'));
  const total = p.nodes.reduce((s: number, n: any) => s + (n.hitCount ?? 0), 0);
  const m = new Map<string, number>();
  for (const n of p.nodes) { const k = `${n.callFrame.functionName} ${n.callFrame.url.replace(/^.*\/work\/main\//, '')}:${n.callFrame.lineNumber + 1}`; m.set(k, (m.get(k) ?? 0) + (n.hitCount ?? 0)); }
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log((v / total * 100).toFixed(1), k);
}
main();
