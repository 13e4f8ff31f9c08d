import { add, fillVariable, mul, tidy, variable, zeros, type Tensor, type Variable } from '@kerasgpu/core';

/**
 * The running sums of a run's step values weighted by batch size (fit's epoch logs, evaluate's
 * result), on the device in one variable that the step itself adds to. A compiled step traces
 * the addition with the rest of the step, so a replay updates the sums in place with no work
 * outside its program (no eager dispatches, no upload of the batch size). Within a run the
 * variable keeps its storage (`reset` zeroes it in place), so the programs stay bound to it; a
 * run ends by releasing it (nothing outlives the run), and the next run's new variable is
 * followed by the programs (a rebind, not a trace).
 */
export class RunningSums {
  private sums: Variable | null = null;

  /** `width`: the number of values a step gives (loss and metrics). */
  constructor(private readonly width: number) {}

  /** The variable the steps add to (made, as zeros, on first use). */
  get variable(): Variable {
    return (this.sums ??= tidy(() => variable(zeros([this.width]), false, 'running_sums')));
  }

  /**
   * Adds `size`·`values` (one step's values, `width` of them) to the sums: inside the step, so
   * that a traced step records it. The same arithmetic as summing eagerly from zero: the first
   * step's sum is `0 + size·v`, which is `size·v` exactly.
   */
  add(values: Tensor, size: number): void {
    const sums = this.variable;
    tidy(() => sums.assign(add(sums, mul(values, size))));
  }

  /** The sums so far, read back. */
  async read(): Promise<Float32Array> {
    return (await this.variable.data()) as Float32Array;
  }

  /** Back to zeros, in place (the programs adding to the sums stay bound to them). */
  reset(): void {
    if (this.sums) fillVariable(this.sums, 0);
  }

  /** Gives the variable back (a run ended); the next use makes a new one. */
  release(): void {
    this.sums?.dispose();
    this.sums = null;
  }
}
