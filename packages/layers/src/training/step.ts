import { add, keep, tidy, variableGrads, type Tensor } from '@kerasgpu/core';
import type { Container } from '../engine/container.js';
import { metricValues, totalLoss, type Compiled } from './compile.js';

/**
 * One optimizer step, all inside `tidy`: forward with the tape, loss (+ regularizer and
 * activity penalties), gradients, update, constraints. Returns the scalar loss and metric
 * values (metricsNames order) without reading them back.
 */
export function trainStep(model: Container, c: Compiled, xs: Tensor[], ys: Tensor[], ws: (Tensor | null)[]): Tensor[] {
  return tidy(() => {
    const vars = model.trainableWeights;
    let preds: Tensor[] = [];
    let perOutput: Tensor[] = [];
    const { value, grads } = variableGrads(() => {
      const losses: Tensor[] = [];
      const forward = model.executeWithMasks(xs, { training: true, losses });
      preds = forward.outputs.map(keep);
      const l = totalLoss(c, ys, preds, ws, forward.masks);
      perOutput = l.perOutput.map(keep);
      return [...losses, ...model.regularizationLosses()].reduce((a, b) => add(a, b), l.total);
    }, vars);
    c.optimizer.applyGradients(vars, vars.map((v) => grads[v.name]!));
    model.applyConstraints();
    const out = [value, ...(preds.length > 1 ? perOutput : []), ...metricValues(c, ys, preds)];
    for (const t of [...preds, ...perOutput]) if (!out.includes(t)) t.dispose();
    return out;
  });
}

/** Loss and metrics of one batch in inference mode (no penalties from activity regularizers). */
export function testStep(model: Container, c: Compiled, xs: Tensor[], ys: Tensor[], ws: (Tensor | null)[]): Tensor[] {
  return tidy(() => {
    const { outputs: preds, masks } = model.executeWithMasks(xs, { training: false });
    const l = totalLoss(c, ys, preds, ws, masks);
    const total = model.regularizationLosses().reduce((a, b) => add(a, b), l.total);
    return [total, ...(preds.length > 1 ? l.perOutput : []), ...metricValues(c, ys, preds)];
  });
}
