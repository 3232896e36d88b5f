// Runs the benchmark suite (bench/suite.ts) in this page and publishes the report for
// bench/browser.ts; progress lines go to the console, which the runner forwards. `?full` also runs
// the cases skipped on a software adapter.

import { runSuite, type BenchReport } from '../bench/suite';

declare global {
  interface Window {
    benchReport?: BenchReport;
    /** Set instead of benchReport when the suite failed. */
    benchError?: string;
  }
}

const status = document.getElementById('status')!;
const full = new URLSearchParams(location.search).has('full');
runSuite({ full, log: (line) => console.log(line) }).then(
  (report) => {
    status.textContent = 'done';
    window.benchReport = report;
  },
  (e: Error) => {
    status.textContent = 'failed';
    window.benchError = e.stack ?? String(e);
  },
);
