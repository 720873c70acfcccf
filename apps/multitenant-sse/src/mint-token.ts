// `npm run mint-token -- --sub alice` / `node mint-token.js --sub alice` in the container: prints one token.
import { errorMessage } from '@mcp-factory/shared-util';
import { runMintToken } from './mint-token-command';

runMintToken(process.argv.slice(2), process.env).then(
  ({ token, usage }) => process.stdout.write(usage ?? `${token}\n`),
  (error: unknown) => {
    process.stderr.write(`mint-token: ${errorMessage(error)}\n`);
    process.exit(2);
  },
);
