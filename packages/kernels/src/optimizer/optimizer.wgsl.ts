import { ELEMENTWISE_WG, flatIndexDecl, MAIN_ARGS, storageBindings, uniformStruct } from '../webgpu/wgsl.js';
import { nadamMomentumCache, OPTIMIZER_SLOTS, type OptimizerHyper, type OptimizerRuleName } from './rules.js';

/**
 * A rule as the GPU template needs it: the per-step scalars (derived on the host in float64,
 * e.g. Adam's bias-corrected learning rate, so the kernel does no per-element pow) and the WGSL
 * statements updating `p` and the slot variables from `g` and those scalars (`u.<name>`).
 */
export interface GpuRule<R extends OptimizerRuleName> {
  scalars: (h: OptimizerHyper[R]) => Record<string, number>;
  body: string;
}

export const GPU_RULES: { [R in OptimizerRuleName]: GpuRule<R> } = {
  sgd: {
    scalars: (h) => ({ lr: h.lr, momentum: h.momentum, nesterov: h.nesterov ? 1 : 0 }),
    body: `v = u.momentum * v - u.lr * g;
  p = select(p + v, p + u.momentum * v - u.lr * g, u.nesterov != 0.0);`,
  },
  rmsprop: {
    scalars: (h) => ({ lr: h.lr, rho: h.rho, epsilon: h.epsilon }),
    body: `a = u.rho * a + (1.0 - u.rho) * g * g;
  p = p - u.lr * g / (sqrt(a) + u.epsilon);`,
  },
  adagrad: {
    scalars: (h) => ({ lr: h.lr, epsilon: h.epsilon }),
    body: `a = a + g * g;
  p = p - u.lr * g / (sqrt(a) + u.epsilon);`,
  },
  adadelta: {
    scalars: (h) => ({ lr: h.lr, rho: h.rho, epsilon: h.epsilon }),
    body: `a = u.rho * a + (1.0 - u.rho) * g * g;
  let update = g * sqrt(d + u.epsilon) / sqrt(a + u.epsilon);
  p = p - u.lr * update;
  d = u.rho * d + (1.0 - u.rho) * update * update;`,
  },
  adam: {
    scalars: (h) => ({ lrT: (h.lr * Math.sqrt(1 - h.beta2 ** h.t)) / (1 - h.beta1 ** h.t), beta1: h.beta1, beta2: h.beta2, epsilon: h.epsilon }),
    body: `m = u.beta1 * m + (1.0 - u.beta1) * g;
  v = u.beta2 * v + (1.0 - u.beta2) * g * g;
  p = p - u.lrT * m / (sqrt(v) + u.epsilon);`,
  },
  adamax: {
    scalars: (h) => ({ lrT: h.lr / (1 - h.beta1 ** h.t), beta1: h.beta1, beta2: h.beta2, epsilon: h.epsilon }),
    body: `m = u.beta1 * m + (1.0 - u.beta1) * g;
  u_ = max(u.beta2 * u_, abs(g));
  p = p - u.lrT * m / (u_ + u.epsilon);`,
  },
  nadam: {
    scalars: (h) => {
      const mcT = nadamMomentumCache(h.t, h.beta1, h.scheduleDecay);
      const mcNext = nadamMomentumCache(h.t + 1, h.beta1, h.scheduleDecay);
      const scheduleNew = h.mSchedule * mcT;
      return {
        lr: h.lr, beta1: h.beta1, beta2: h.beta2, epsilon: h.epsilon, mcT, mcNext,
        gScale: 1 / (1 - scheduleNew), mScale: 1 / (1 - scheduleNew * mcNext), vScale: 1 / (1 - h.beta2 ** h.t),
      };
    },
    body: `m = u.beta1 * m + (1.0 - u.beta1) * g;
  v = u.beta2 * v + (1.0 - u.beta2) * g * g;
  let mBar = (1.0 - u.mcT) * g * u.gScale + u.mcNext * m * u.mScale;
  p = p - u.lr * mBar / (sqrt(v * u.vScale) + u.epsilon);`,
  },
};

/** WGSL name of a slot variable (`u` is the uniform block, so Adamax's slot u becomes `u_`). */
export const slotVar = (name: string): string => (name === 'u' ? 'u_' : name);

/**
 * One template for every rule: per element, load g, p and the slots, run the rule's statements,
 * store p and the slots back. Bindings: uniforms (n, then the rule's scalars), G, P, slots.
 * `vec4`: each invocation updates 4 consecutive elements as vec4f (n % 4 == 0; the rules'
 * statements are the same, scalars broadcast): a quarter of the invocations and vector loads,
 * which lavapipe otherwise scalarises per lane.
 */
export function optimizerWgsl(rule: OptimizerRuleName, scalarNames: readonly string[], vec4 = false): string {
  const slots = OPTIMIZER_SLOTS[rule];
  const buf = (s: string) => `S_${s}`;
  const t = vec4 ? 'vec4f' : 'f32';
  return `${uniformStruct([['n', 'u32'], ...scalarNames.map((s) => [s, 'f32'] as const)])}
${storageBindings(1, [['G', t, 'read'], ['P', t, 'read_write'], ...slots.map((s) => [buf(s), t, 'read_write'] as const)])}
@compute @workgroup_size(${ELEMENTWISE_WG})
fn main(${MAIN_ARGS}) {
  ${flatIndexDecl(ELEMENTWISE_WG)}
  if (i >= u.n${vec4 ? ' / 4u' : ''}) { return; }
  let g = G[i];
  var p = P[i];
  ${slots.map((s) => `var ${slotVar(s)} = ${buf(s)}[i];`).join('\n  ')}
  ${GPU_RULES[rule].body}
  P[i] = p;
  ${slots.map((s) => `${buf(s)}[i] = ${slotVar(s)};`).join('\n  ')}
}`;
}
