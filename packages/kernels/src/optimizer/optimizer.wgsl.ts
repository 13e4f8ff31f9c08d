import { ELEMENTWISE_WG, flatIndexDecl, MAIN_ARGS, storageBindings, uniformStruct } from '../webgpu/wgsl.js';
import { OPTIMIZER_SLOTS, type OptimizerRuleName } from './rules.js';
import { localName, type UpdateProgram } from './statements.js';

/**
 * One template for every rule, updating `k` variables in one dispatch: per element, load g, p and
 * the slots, run the rule's statements (`program.wgsl`), store p and the slots back. The
 * variables' elements are laid end to end: variable q owns indices [o_q, o_{q+1}) (uniforms
 * o0..ok), at local index i − o_q of its buffers. Bindings: uniforms (n, the program's scalars,
 * the offsets), then per variable G, P, slots. `vec4`: each invocation updates 4 consecutive
 * elements as vec4f (every variable's size % 4 == 0; the statements are the same, scalars
 * broadcast; the offsets count vec4s): a quarter of the invocations and vector loads, which
 * lavapipe otherwise scalarises per lane. `per`: consecutive elements (vec4s) per invocation.
 */
export function optimizerWgsl(rule: OptimizerRuleName, program: UpdateProgram, vec4: boolean, k: number, per: number): string {
  const slots = OPTIMIZER_SLOTS[rule];
  const buf = (name: string, q: number) => `${name}${q}`;
  const t = vec4 ? 'vec4f' : 'f32';
  const vars = Array.from({ length: k }, (_, q) => q);
  const update = (q: number) => `if (i < u.o${q + 1}) {
    let l = i - u.o${q};
    let g = ${buf('G', q)}[l];
    var p = ${buf('P', q)}[l];
    ${slots.map((s) => `var ${localName(s)} = ${buf(`S_${s}_`, q)}[l];`).join('\n    ')}
    ${program.wgsl}
    ${buf('P', q)}[l] = p;
    ${slots.map((s) => `${buf(`S_${s}_`, q)}[l] = ${localName(s)};`).join('\n    ')}
    return;
  }`;
  return `${uniformStruct([['n', 'u32'], ...program.scalars.map((s) => [s, 'f32'] as const), ...[...vars, k].map((q) => [`o${q}`, 'u32'] as const)])}
${storageBindings(1, vars.flatMap((q) => [[buf('G', q), t, 'read'], [buf('P', q), t, 'read_write'], ...slots.map((s) => [buf(`S_${s}_`, q), t, 'read_write'] as const)] as const))}
fn updateAt(i: u32) {
  ${vars.map(update).join('\n  ')}
}
@compute @workgroup_size(${ELEMENTWISE_WG})
fn main(${MAIN_ARGS}) {
  ${flatIndexDecl(ELEMENTWISE_WG, 'first')}
  for (var i = first * ${per}u; i < min((first + 1u) * ${per}u, u.n${vec4 ? ' / 4u' : ''}); i++) { updateAt(i); }
}`;
}
