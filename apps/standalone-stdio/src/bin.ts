// The package's `bin`. With no arguments it runs the stdio server (main.ts), loaded only then;
// `--help` and `--version` print to stdout (free here: no MCP session runs) and exit 0 without
// reading the environment or opening the database; any other argument: one line on stderr, exit 2.
import { parseCliArguments } from './cli-arguments';

const command = parseCliArguments(process.argv.slice(2));
if (command.kind === 'serve') {
  void import('./main');
} else if (command.kind === 'invalid') {
  process.stderr.write(`mcp-factory-stdio: ${command.message}\n`);
  process.exitCode = 2;
} else {
  void import('./usage').then(({ usageText, packageVersion }) => {
    process.stdout.write(command.kind === 'help' ? usageText() : `${packageVersion}\n`);
  });
}
