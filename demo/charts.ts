// Line charts on a plain canvas (no dependency): epochs on x (whole-epoch ticks), one or more series on y, grid,
// ticks and a legend, sharp on high-DPI screens and redrawn when the canvas is resized.

export interface Series {
  label: string;
  color: string;
  dashed?: boolean;
  /** [x, y] pairs, x increasing. */
  points: [number, number][];
}

export interface ChartOptions {
  /** Fixed y range; the top grows to fit the data when yMax is not given. */
  yMin: number;
  yMax?: number;
  formatY: (y: number) => string;
}

export class LineChart {
  private series: Series[] = [];
  private readonly context: CanvasRenderingContext2D;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly options: ChartOptions,
  ) {
    this.context = canvas.getContext('2d')!;
    new ResizeObserver(() => this.draw()).observe(canvas);
  }

  setSeries(series: Series[]): void {
    this.series = series;
    this.draw();
  }

  draw(): void {
    const { canvas, context: g } = this;
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    if (width === 0 || height === 0) return;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    const style = getComputedStyle(canvas);
    const ink = style.getPropertyValue('--chart-ink').trim() || '#475569';
    const rule = style.getPropertyValue('--chart-rule').trim() || '#e2e8f0';
    g.font = '11px system-ui, sans-serif';

    const all = this.series.flatMap((s) => s.points);
    const xMax = Math.max(1, ...all.map(([x]) => x));
    const yMin = this.options.yMin;
    const ys = all.map(([, y]) => y).filter(Number.isFinite);
    const yMax = this.options.yMax ?? (ys.length > 0 ? niceCeiling(Math.max(yMin + 1e-3, ...ys)) : yMin + 1);
    const left = 40;
    const right = width - 8;
    const top = 22;
    const bottom = height - 20;
    const px = (x: number) => left + (x / xMax) * (right - left);
    const py = (y: number) => bottom - ((Math.min(y, yMax) - yMin) / (yMax - yMin)) * (bottom - top);

    g.strokeStyle = rule;
    g.fillStyle = ink;
    g.lineWidth = 1;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (let i = 0; i <= 4; i++) {
      const y = yMin + ((yMax - yMin) * i) / 4;
      g.beginPath();
      g.moveTo(left, Math.round(py(y)) + 0.5);
      g.lineTo(right, Math.round(py(y)) + 0.5);
      g.stroke();
      g.fillText(this.options.formatY(y), left - 6, py(y));
    }
    g.textAlign = 'center';
    g.textBaseline = 'top';
    const xStep = [1, 2, 5, 10, 20, 50, 100].find((step) => xMax / step <= 6) ?? 200;
    for (let x = 0; x <= xMax + 1e-9; x += xStep) g.fillText(String(Math.round(x)), px(x), bottom + 5);

    for (const s of this.series) {
      if (s.points.length === 0) continue;
      g.strokeStyle = s.color;
      g.fillStyle = s.color;
      g.lineWidth = 2;
      g.setLineDash(s.dashed ? [5, 4] : []);
      g.beginPath();
      s.points.forEach(([x, y], i) => (i === 0 ? g.moveTo(px(x), py(y)) : g.lineTo(px(x), py(y))));
      g.stroke();
      if (s.points.length === 1) {
        g.beginPath();
        g.arc(px(s.points[0][0]), py(s.points[0][1]), 2.5, 0, 2 * Math.PI);
        g.fill();
      }
    }
    g.setLineDash([]);

    // Legend, top right.
    g.textAlign = 'left';
    g.textBaseline = 'middle';
    let x = right;
    for (const s of [...this.series].reverse()) {
      const textWidth = g.measureText(s.label).width;
      x -= textWidth + 26;
      g.strokeStyle = s.color;
      g.lineWidth = 2;
      g.setLineDash(s.dashed ? [4, 3] : []);
      g.beginPath();
      g.moveTo(x, 10);
      g.lineTo(x + 16, 10);
      g.stroke();
      g.fillStyle = ink;
      g.fillText(s.label, x + 20, 10);
    }
    g.setLineDash([]);
  }
}

/** The smallest of 1, 2, 2.5, 5 times a power of ten that is at least v. */
function niceCeiling(v: number): number {
  const power = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((m) => m * power).find((c) => c >= v * (1 - 1e-9))!;
}
