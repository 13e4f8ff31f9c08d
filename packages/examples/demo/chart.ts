/**
 * A live training chart drawn by hand on a canvas (no chart library): loss and accuracy side by
 * side, per batch as thin lines and on the held-out digits at each epoch's end as dots.
 */
export interface Point { step: number; value: number }
interface Panel { title: string; batch: Point[]; val: Point[]; max: () => number }

const COLORS = { batch: '#3b6fd8', val: '#e0702a', axis: '#888', text: '#222' };

export class LiveChart {
  private readonly loss: Panel = { title: 'loss', batch: [], val: [], max: () => Math.max(0.5, ...this.loss.batch.map((p) => p.value), ...this.loss.val.map((p) => p.value)) };
  private readonly acc: Panel = { title: 'accuracy', batch: [], val: [], max: () => 1 };

  /** `steps`: the number of batches the whole run will take (the x axis). */
  constructor(private readonly canvas: HTMLCanvasElement, private readonly steps: number) { this.draw(); }

  addBatch(step: number, loss: number, acc: number): void {
    this.loss.batch.push({ step, value: loss });
    this.acc.batch.push({ step, value: acc });
    this.draw();
  }

  addValidation(step: number, loss: number, acc: number): void {
    this.loss.val.push({ step, value: loss });
    this.acc.val.push({ step, value: acc });
    this.draw();
  }

  /** How many batch points are plotted (the demo's test reads it). */
  get points(): number { return this.loss.batch.length; }

  private draw(): void {
    const ctx = this.canvas.getContext('2d')!;
    const { width, height } = this.canvas;
    ctx.clearRect(0, 0, width, height);
    const half = width / 2;
    this.panel(ctx, this.loss, 0, half, height);
    this.panel(ctx, this.acc, half, half, height);
  }

  private panel(ctx: CanvasRenderingContext2D, p: Panel, left: number, width: number, height: number): void {
    const pad = { l: 40, r: 12, t: 22, b: 24 };
    const [x0, x1, y0, y1] = [left + pad.l, left + width - pad.r, height - pad.b, pad.t];
    const top = p.max();
    const X = (step: number) => x0 + (x1 - x0) * (step / Math.max(1, this.steps));
    const Y = (v: number) => y0 + (y1 - y0) * (Math.min(v, top) / top);
    ctx.strokeStyle = COLORS.axis;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(x0, y1); ctx.lineTo(x0, y0); ctx.lineTo(x1, y0);
    ctx.stroke();
    ctx.fillStyle = COLORS.text;
    ctx.font = '12px sans-serif';
    ctx.textAlign = 'right';
    for (const v of [0, top / 2, top]) ctx.fillText(v.toFixed(1), x0 - 4, Y(v) + 4);
    ctx.textAlign = 'left';
    // The title doubles as the legend: each series' latest value in its colour.
    const last = (s: Point[]) => (s.length ? s.at(-1)!.value.toFixed(3) : '–');
    let x = x0;
    for (const [text, color] of [[p.title, COLORS.text], [`batch ${last(p.batch)}`, COLORS.batch], [`held-out ${last(p.val)}`, COLORS.val]] as const) {
      ctx.fillStyle = color;
      ctx.fillText(text, x, 14);
      x += ctx.measureText(text).width + 14;
    }
    ctx.fillStyle = COLORS.text;
    ctx.textAlign = 'right';
    ctx.fillText(`${this.steps} batches`, x1, height - 6);
    ctx.strokeStyle = COLORS.batch;
    ctx.beginPath();
    p.batch.forEach((pt, i) => (i ? ctx.lineTo(X(pt.step), Y(pt.value)) : ctx.moveTo(X(pt.step), Y(pt.value))));
    ctx.stroke();
    ctx.fillStyle = COLORS.val;
    for (const pt of p.val) {
      ctx.beginPath();
      ctx.arc(X(pt.step), Y(pt.value), 4, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
}
