// A child process for data-dir-lock.spec.ts: loads, says "ready", tries the lock when told "go",
// reports the outcome, and holds a lock it got until told "release". Messages go over the IPC channel.
import { lockDataDir, type DataDirLock } from './data-dir-lock';

const dataDir = process.argv[2] as string;
let lock: DataDirLock | undefined;

process.on('message', (message) => {
  if (message === 'go') {
    try {
      lock = lockDataDir(dataDir, `embedded PGlite at ${dataDir}`);
      process.send?.({ held: true, pid: process.pid });
    } catch (error) {
      const { code, message: text } = error as { code?: string; message?: string };
      process.send?.({ held: false, pid: process.pid, code, message: text });
      process.disconnect();
    }
  } else if (message === 'release') {
    lock?.release();
    process.disconnect();
  }
});
process.send?.('ready');
