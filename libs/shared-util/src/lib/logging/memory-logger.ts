import { Writable } from 'node:stream';
import { createLogger, type Logger } from './create-logger';

export interface LogEntry {
  level: string;
  message: string;
  [field: string]: unknown;
}

export interface MemoryLogger {
  logger: Logger;
  /** Every JSON line written so far, parsed. */
  entries: LogEntry[];
}

/** A JSON logger that keeps its lines in memory, so tests can check fields such as `userId`. */
export function createMemoryLogger(level = 'debug'): MemoryLogger {
  const entries: LogEntry[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n')) if (line.trim()) entries.push(JSON.parse(line));
      callback();
    },
  });
  return { logger: createLogger({ level, format: 'json', stream }), entries };
}
