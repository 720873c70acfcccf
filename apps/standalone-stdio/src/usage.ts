// `mcp-factory-stdio --help`: what the app is, its environment with the defaults on this machine,
// and a Claude Desktop entry. Loaded by bin.ts only when asked for.
import { version } from '../package.json';
import { defaultDataDir, localUserName } from './config';

/** The package's version (from apps/standalone-stdio/package.json, bundled at build time). */
export const packageVersion: string = version;

/** The `--help` text. */
export function usageText(env: NodeJS.ProcessEnv = process.env): string {
  return `mcp-factory-stdio ${packageVersion}: mcp-factory's desktop MCP server. One local user, MCP over
stdin/stdout (logs on stderr), the data in an embedded PostgreSQL (PGlite) in your data directory.
An MCP client such as Claude Desktop starts it; run by hand, it waits for JSON-RPC on stdin.

Usage:
  mcp-factory-stdio                 serve MCP on stdin/stdout
  mcp-factory-stdio --help, -h      print this text
  mcp-factory-stdio --version, -v   print the version

Environment (a bad value stops the app with one line per problem):
  MCP_USER_ID       the user every tool call is scoped to
                    (default: your OS user name, here ${JSON.stringify(localUserName())})
  MCP_DATA_DIR      the embedded database's directory, created and migrated on first launch
                    (default here: ${defaultDataDir(env)})
  DATABASE_URL      postgresql://user:password@host:port/db: use a PostgreSQL server instead
                    of the embedded database (default: unset)
  LOG_LEVEL         error | warn | info | debug, on stderr (default: warn)
  LOG_FORMAT        json | pretty (default: pretty; json when NODE_ENV=production)
  MCP_ACCESS_TOKEN  handed to tools that call external APIs on your behalf (default: empty)

Claude Desktop (claude_desktop_config.json):
  {
    "mcpServers": {
      "mcp-factory": {
        "command": "npx",
        "args": ["-y", "mcp-factory-stdio"],
        "env": { "MCP_USER_ID": "me" }
      }
    }
  }
`;
}
