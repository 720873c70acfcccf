import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConfigurationError, HostNotAllowedError, OriginNotAllowedError } from '../errors';

/** Options of {@link RequestGuard}. */
export interface RequestGuardOptions {
  /**
   * Host names (without port) accepted in the `Host` header — DNS rebinding protection.
   * Default: when bound to a loopback address, `localhost`, `127.0.0.1` and `[::1]`; otherwise no check
   * (a public service behind a load balancer is reached by many names — set this to enable it).
   */
  allowedHosts?: string[];
  /**
   * Origins (`scheme://host[:port]`) accepted when a request carries `Origin`. Default: the CORS
   * origins; when none and bound to loopback, only loopback origins.
   */
  allowedOrigins?: string[];
  /** Upstream option: answer CORS preflights and add CORS headers. Default false. */
  cors?: boolean;
  /** Upstream option: origin(s) CORS allows. Required with `cors: true`; `'*'` allows any (not with credentials). */
  corsOrigin?: string | string[];
}

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]', '::1'];
/** Request headers a browser client of either era sends (CORS preflight). */
const ALLOWED_REQUEST_HEADERS = ['Authorization', 'Content-Type', 'Accept', 'Mcp-Session-Id', 'Mcp-Protocol-Version', 'Mcp-Method', 'Mcp-Name', 'Last-Event-ID'];

/** True for an interface name or address only this machine can reach (`localhost`, `127.x.y.z`, `::1`). */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.includes(host.toLowerCase()) || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Host/Origin validation and CORS headers, computed once from options. */
export class RequestGuard {
  private readonly hosts: Set<string> | undefined;
  private readonly origins: Set<string> | undefined;
  private readonly loopbackOriginsOnly: boolean;
  private readonly corsOrigins: Set<string> | undefined;
  private readonly corsAny: boolean;

  constructor(options: RequestGuardOptions, bindHost: string) {
    const loopback = isLoopbackHost(bindHost);
    this.hosts = options.allowedHosts
      ? new Set(options.allowedHosts.map((h) => h.toLowerCase()))
      : loopback
        ? new Set(LOOPBACK_HOSTS)
        : undefined;
    if (options.cors) {
      if (!options.corsOrigin || (Array.isArray(options.corsOrigin) && options.corsOrigin.length === 0)) {
        throw new ConfigurationError('transport.corsOrigin is required when transport.cors is true');
      }
      const list = Array.isArray(options.corsOrigin) ? options.corsOrigin : [options.corsOrigin];
      this.corsAny = list.includes('*');
      this.corsOrigins = new Set(list.filter((o) => o !== '*'));
    } else {
      this.corsAny = false;
      this.corsOrigins = undefined;
    }
    const explicit = options.allowedOrigins ?? (this.corsOrigins && !this.corsAny ? [...this.corsOrigins] : undefined);
    this.origins = explicit ? new Set(explicit) : undefined;
    this.loopbackOriginsOnly = !explicit && !this.corsAny && loopback;
  }

  /** Throws {@link HostNotAllowedError} / {@link OriginNotAllowedError} when the request must be refused. */
  check(req: IncomingMessage): void {
    this.checkHost(req);
    const origin = req.headers.origin;
    if (origin === undefined) return;
    if (this.origins) {
      if (!this.origins.has(origin)) throw new OriginNotAllowedError();
    } else if (this.loopbackOriginsOnly) {
      let host: string;
      try {
        host = new URL(origin).hostname;
      } catch {
        throw new OriginNotAllowedError();
      }
      if (!LOOPBACK_HOSTS.includes(host)) throw new OriginNotAllowedError();
    }
  }

  /** Throws {@link HostNotAllowedError} when a Host allow-list is in force and the request's Host is not on it. */
  checkHost(req: IncomingMessage): void {
    if (!this.hosts) return;
    const host = hostnameOf(req.headers.host);
    if (!host || !this.hosts.has(host)) throw new HostNotAllowedError(`Host header not allowed`);
  }

  /** True when the Host header was checked against an allow-list (a Host that reached a handler is then trusted). */
  get checksHost(): boolean {
    return this.hosts !== undefined;
  }

  /** Adds CORS response headers when CORS is on and the origin is allowed. */
  applyCors(req: IncomingMessage, res: ServerResponse): void {
    if (!this.corsOrigins) return;
    const origin = req.headers.origin;
    if (!origin) return;
    if (this.corsAny) res.setHeader('Access-Control-Allow-Origin', '*');
    else if (this.corsOrigins.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
    } else return;
    res.setHeader('Access-Control-Expose-Headers', 'Mcp-Session-Id, Mcp-Protocol-Version, WWW-Authenticate, Retry-After, X-Request-Id');
  }

  /**
   * Answers a CORS preflight (`OPTIONS`). The allowed headers are those both eras send: 2025's
   * session headers, and 2026-07-28's standard `Mcp-Method`/`Mcp-Name` plus any `Mcp-Param-*` the
   * browser asks for (their names depend on the tool's schema, so they are echoed, not listed).
   */
  preflight(req: IncomingMessage, res: ServerResponse): void {
    this.applyCors(req, res);
    if (this.corsOrigins) {
      const asked = String(req.headers['access-control-request-headers'] ?? '')
        .split(',')
        .map((name) => name.trim())
        .filter((name) => /^mcp-param-[\w-]{1,64}$/i.test(name));
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, DELETE, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', [...ALLOWED_REQUEST_HEADERS, ...asked].join(', '));
      res.setHeader('Access-Control-Max-Age', '600');
    }
    res.statusCode = 204;
    res.end();
  }
}

/** `example.com:8080` → `example.com`; `[::1]:3000` → `[::1]`. Lower-cased. */
export function hostnameOf(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const lower = host.toLowerCase();
  if (lower.startsWith('[')) {
    const end = lower.indexOf(']');
    return end === -1 ? undefined : lower.slice(0, end + 1);
  }
  const colon = lower.indexOf(':');
  return colon === -1 ? lower : lower.slice(0, colon);
}
