import { parseCliArguments } from './cli-arguments';

describe('parseCliArguments', () => {
  it('serves with no arguments', () => {
    expect(parseCliArguments([])).toEqual({ kind: 'serve' });
  });

  it('reads --help, -h, --version and -v (help wins when both are given)', () => {
    expect(parseCliArguments(['--help'])).toEqual({ kind: 'help' });
    expect(parseCliArguments(['-h'])).toEqual({ kind: 'help' });
    expect(parseCliArguments(['--version'])).toEqual({ kind: 'version' });
    expect(parseCliArguments(['-v'])).toEqual({ kind: 'version' });
    expect(parseCliArguments(['--version', '--help'])).toEqual({ kind: 'help' });
  });

  it('refuses anything else with one line naming it', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--port'], /^Unknown option '--port' \(see --help\)$/],
      [['serve'], /^Unexpected argument 'serve' \(see --help\)$/],
      [['--help=yes'], /--help.*\(see --help\)$/],
      [['--help', 'extra'], /^Unexpected argument 'extra' \(see --help\)$/],
    ];
    for (const [args, message] of cases) {
      const command = parseCliArguments(args);
      expect(command).toEqual({ kind: 'invalid', message: expect.stringMatching(message) });
      expect(command.kind === 'invalid' && command.message).not.toContain('\n');
    }
  });
});
