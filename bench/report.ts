// Plain-text rendering of a benchmark report: the table of measurements and the ratios ours/peer.
// Shared by the Node entry (bench/node.ts), the suite's progress lines and the browser runner
// (bench/browser.ts); imports no library, so the browser runner's Node side stays light.

import type { BenchReport } from './suite';

export function formatReport(report: BenchReport): string {
  const table = report.rows.map((r) => [r.library, r.case, `${r.variant}${r.optimizer ? ` (${r.optimizer})` : ''}`, formatValue(r.value), r.unit, `${r.repeats}x${r.iterations}`]);
  const ratios = report.ratios.map((r) => [r.case, `${r.ours} / ${r.peer}`, `${r.ratio.toFixed(2)}x`, r.unit]);
  const { vendor, architecture, description } = report.adapter;
  return [
    `adapter: ${[vendor, architecture, description].filter(Boolean).join(' / ')}${report.softwareAdapter ? ' (software)' : ''}; ${report.environment}; ${report.startedAt}; ${report.seconds.toFixed(0)} s`,
    '',
    columns([['library', 'case', 'variant', 'value', 'unit', 'repeats x iterations'], ...table], [3, 5]),
    '',
    'ratios ours/peer (above 1: webgpu-keras is faster)',
    columns([['case', 'pairing', 'ratio', 'unit'], ...ratios], [2]),
    ...(report.skipped.length ? ['', ...report.skipped.map((s) => `skipped: ${s}`)] : []),
  ].join('\n');
}

/** 3 significant digits below 10, one decimal below 100, integers above. */
export function formatValue(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toPrecision(3);
}

/** Left-aligned columns, except the right-aligned ones given by index. */
function columns(rows: string[][], rightAligned: number[]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (rightAligned.includes(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd()).join('\n');
}
