import type winston from 'winston';

/** winston's npm levels, most severe first; `silent` enables none. */
const SEVERITY: Record<string, number> = { error: 0, warn: 1, info: 2, http: 3, verbose: 4, debug: 5, silly: 6 };

/**
 * Stands in for a winston logger until a line at an enabled level is written, then builds the real
 * one (once) and forwards to it. Children made before that point carry their fields and share the
 * parent's single real logger. Implements the part of winston's API the workspace uses.
 */
export class DeferredLogger {
  private real: winston.Logger | undefined;
  private readonly threshold: number;

  constructor(
    readonly level: string,
    private readonly build: () => winston.Logger,
    private readonly parent?: DeferredLogger,
    private readonly meta?: Record<string, unknown>,
  ) {
    this.threshold = level === 'silent' ? -1 : (SEVERITY[level] ?? SEVERITY['info']);
  }

  isLevelEnabled(level: string): boolean {
    const severity = SEVERITY[level];
    return severity !== undefined && severity <= this.threshold;
  }

  child(meta: Record<string, unknown>): DeferredLogger {
    return new DeferredLogger(this.level, this.build, this, meta);
  }

  log(level: string, ...args: unknown[]): this {
    if (this.isLevelEnabled(level)) (this.materialize().log as (level: string, ...rest: unknown[]) => unknown)(level, ...args);
    return this;
  }

  error(...args: unknown[]): this {
    return this.log('error', ...args);
  }
  warn(...args: unknown[]): this {
    return this.log('warn', ...args);
  }
  info(...args: unknown[]): this {
    return this.log('info', ...args);
  }
  http(...args: unknown[]): this {
    return this.log('http', ...args);
  }
  verbose(...args: unknown[]): this {
    return this.log('verbose', ...args);
  }
  debug(...args: unknown[]): this {
    return this.log('debug', ...args);
  }
  silly(...args: unknown[]): this {
    return this.log('silly', ...args);
  }

  private materialize(): winston.Logger {
    this.real ??= this.parent && this.meta ? this.parent.materialize().child(this.meta) : this.build();
    return this.real;
  }
}
