import { describe, expect, it } from 'vitest';
import { compileUpdate } from '../src/optimizer/statements.js';
import { OPTIMIZER_RULES, optimizerStep } from '../src/optimizer/rules.js';

describe('optimizer rule statements', () => {
  it('render to WGSL with the parentheses precedence needs, scalars as uniforms', () => {
    const prog = compileUpdate('test', ['u'], ['let d = a - (b - c) / (a * b)', 'u = max(u, abs(g)) - d * (1 - a)', 'p = select(p, p + u, c != 0)']);
    expect(prog.scalars).toEqual(['a', 'b', 'c']);
    expect(prog.wgsl).toBe(['let d = u.a - (u.b - u.c) / (u.a * u.b);', 'u_ = max(u_, abs(g)) - d * (1.0 - u.a);', 'p = select(p, p + u_, u.c != 0.0);'].join('\n  '));
  });

  it('run on the CPU per element, storing each assignment (float32 arrays round it)', () => {
    const prog = compileUpdate('test', ['m'], ['m = 0.5 * m + g', 'let s = m * m', 'p = p - lr * s']);
    const p = new Float32Array([1, 2]), g = new Float32Array([0.1, -1]), m = new Float32Array([0.2, 0]);
    prog.cpu(p, g, [m], [0.5]);
    const m0 = Math.fround(0.5 * Math.fround(0.2) + Math.fround(0.1));
    expect(Array.from(m)).toEqual([m0, -1]);
    expect(Array.from(p)).toEqual([Math.fround(1 - 0.5 * m0 * m0), 1.5]);
  });

  it('reject syntax errors, unknown functions and assignments to g or a scalar', () => {
    expect(() => compileUpdate('t', [], ['p = p +'])).toThrow(/'p = p \+'.*expected more/);
    expect(() => compileUpdate('t', [], ['p = pow(p, 2)'])).toThrow(/unknown function 'pow'/);
    expect(() => compileUpdate('t', [], ['p = sqrt(p, 2)'])).toThrow(/sqrt takes 1 argument/);
    expect(() => compileUpdate('t', [], ['g = p'])).toThrow(/cannot assign 'g'/);
    expect(() => compileUpdate('t', ['m'], ['p = p - lr', 'lr = 1'])).toThrow(/cannot assign 'lr'/);
    expect(() => compileUpdate('t', ['m'], ['let m = p'])).toThrow(/cannot declare 'm'/);
  });

  it('every rule derives each scalar its statements read (optimizerStep throws on a missing one)', () => {
    const hyper = { lr: 0.1, momentum: 0.9, nesterov: true, rho: 0.9, epsilon: 1e-7, beta1: 0.9, beta2: 0.999, t: 2, scheduleDecay: 0.004, mSchedule: 0.5 };
    for (const rule of Object.keys(OPTIMIZER_RULES) as (keyof typeof OPTIMIZER_RULES)[]) {
      expect(optimizerStep(rule, hyper).scalars.every(Number.isFinite), rule).toBe(true);
    }
  });
});
