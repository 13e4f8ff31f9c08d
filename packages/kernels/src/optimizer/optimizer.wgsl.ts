import { ELEMENTWISE_WG, flatIndexDecl, MAIN_ARGS, storageBindings, uniformStruct } from '../webgpu/wgsl.js';
import { OPTIMIZER_SLOTS, type OptimizerRuleName } from './rules.js';
import { localName, type UpdateProgram } from './statements.js';

/**
 * One template for every rule: per element, load g, p and the slots, run the rule's statements
 * (`program.wgsl`), store p and the slots back. Bindings: uniforms (n, then the program's
 * scalars), G, P, slots. `vec4`: each invocation updates 4 consecutive elements as vec4f
 * (n % 4 == 0; the statements are the same, scalars broadcast): a quarter of the invocations and
 * vector loads, which lavapipe otherwise scalarises per lane.
 */
export function optimizerWgsl(rule: OptimizerRuleName, program: UpdateProgram, vec4 = false): string {
  const slots = OPTIMIZER_SLOTS[rule];
  const buf = (s: string) => `S_${s}`;
  const t = vec4 ? 'vec4f' : 'f32';
  return `${uniformStruct([['n', 'u32'], ...program.scalars.map((s) => [s, 'f32'] as const)])}
${storageBindings(1, [['G', t, 'read'], ['P', t, 'read_write'], ...slots.map((s) => [buf(s), t, 'read_write'] as const)])}
@compute @workgroup_size(${ELEMENTWISE_WG})
fn main(${MAIN_ARGS}) {
  ${flatIndexDecl(ELEMENTWISE_WG)}
  if (i >= u.n${vec4 ? ' / 4u' : ''}) { return; }
  let g = G[i];
  var p = P[i];
  ${slots.map((s) => `var ${localName(s)} = ${buf(s)}[i];`).join('\n  ')}
  ${program.wgsl}
  P[i] = p;
  ${slots.map((s) => `${buf(s)}[i] = ${localName(s)};`).join('\n  ')}
}`;
}
