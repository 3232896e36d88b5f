// Runs test/reliability/soak.soak.ts, which the default suite leaves out (it includes *.test.ts
// only), with the project's Vitest config otherwise. `npm run soak`; SOAK_MINUTES sets the length.
import { startVitest } from 'vitest/node';

const vitest = await startVitest('test', [], { include: ['test/reliability/soak.soak.ts'], watch: false });
const failed = !vitest || vitest.state.getCountOfFailedTests() > 0 || process.exitCode;
await vitest?.close();
process.exit(failed ? 1 : 0);
