/**
 * The drawing pad: white strokes on black (MNIST's polarity) with the mouse, a pen or a finger
 * (pointer events), read back as ink values in [0, 1]. `onChange` fires after each stroke.
 */
export class DrawingPad {
  private readonly ctx: CanvasRenderingContext2D;
  private last: { x: number; y: number } | null = null;

  constructor(private readonly canvas: HTMLCanvasElement, private readonly onChange: () => void) {
    this.ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    this.clear();
    canvas.style.touchAction = 'none'; // a finger draws instead of scrolling the page
    canvas.addEventListener('pointerdown', (e) => {
      canvas.setPointerCapture(e.pointerId);
      this.last = this.at(e);
      this.stroke(this.last);
    });
    canvas.addEventListener('pointermove', (e) => { if (this.last) this.stroke(this.at(e)); });
    const end = () => {
      if (!this.last) return;
      this.last = null;
      this.onChange();
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }

  clear(): void {
    this.ctx.fillStyle = '#000';
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
  }

  /** Ink per pixel (the red channel; strokes are white). */
  ink(): Float32Array {
    const { data } = this.ctx.getImageData(0, 0, this.canvas.width, this.canvas.height);
    return Float32Array.from({ length: data.length / 4 }, (_, i) => data[4 * i]! / 255);
  }

  /** Pointer position in canvas pixels (the canvas may be shown scaled). */
  private at(e: PointerEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) * this.canvas.width) / r.width, y: ((e.clientY - r.top) * this.canvas.height) / r.height };
  }

  private stroke(to: { x: number; y: number }): void {
    const from = this.last ?? to;
    Object.assign(this.ctx, { strokeStyle: '#fff', lineWidth: this.canvas.width / 12, lineCap: 'round', lineJoin: 'round' });
    this.ctx.beginPath();
    this.ctx.moveTo(from.x, from.y);
    this.ctx.lineTo(to.x, to.y);
    this.ctx.stroke();
    this.last = to;
  }
}
