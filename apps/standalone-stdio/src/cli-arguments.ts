import { parseArgs } from 'node:util';

/** What the command line asks of the `mcp-factory-stdio` bin. */
export type CliCommand = { kind: 'serve' } | { kind: 'help' } | { kind: 'version' } | { kind: 'invalid'; message: string };

/**
 * Reads the bin's arguments: none serves MCP on stdio; `--help`/`-h` and `--version`/`-v` print and
 * exit; anything else is `invalid`, with a one-line message.
 *
 * @example
 * parseCliArguments(process.argv.slice(2)); // { kind: 'serve' } when run with no arguments
 */
export function parseCliArguments(args: readonly string[]): CliCommand {
  if (args.length === 0) return { kind: 'serve' };
  try {
    const { values } = parseArgs({
      args: [...args],
      options: { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) return { kind: 'help' };
    if (values.version) return { kind: 'version' };
    return { kind: 'invalid', message: `unexpected arguments ${JSON.stringify(args)} (see --help)` };
  } catch (error) {
    // parseArgs explains an unknown option in several sentences; the first names it. (Its errors come
    // from Node's realm: read the message without instanceof.)
    const message = String((error as { message?: unknown }).message ?? error);
    const reason = message.split(/\.\s/)[0].replace(/\.$/, '');
    return { kind: 'invalid', message: `${reason} (see --help)` };
  }
}
