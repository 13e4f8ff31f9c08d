import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { GENERATED_CPU_STEPS } from '../src/optimizer/cpu-steps.generated.js';
import { OPTIMIZER_RULES, optimizerStep, type OptimizerRuleName } from '../src/optimizer/rules.js';
import { compileUpdate, localName } from '../src/optimizer/statements.js';

const HEADER = `// Generated from OPTIMIZER_RULES (rules.ts) by packages/kernels/test/optimizer-cpu-steps.test.ts: do not
// edit. After changing a rule, \`npx vitest run --project kernels optimizer-cpu-steps -u\` rewrites it
// (until then the changed rule runs on the slower statement interpreter, cpu-step.ts).
import type { DataArray } from '../types.js';

const { sqrt, abs, max } = Math;
const select = (f: number, t: number, cond: boolean): number => (cond ? t : f);

/** Each rule's CPU step as a loop, with the slots and update it was generated from (rules.ts uses it while they match). */
export const GENERATED_CPU_STEPS: Record<string, {
  slots: readonly string[];
  update: readonly string[];
  step(u: Record<string, number>, p: DataArray, g: DataArray, ...slots: DataArray[]): void;
}> = {
`;

const quoted = (list: readonly string[]) => `[${list.map((s) => `'${s}'`).join(', ')}]`;

/** The text of cpu-steps.generated.ts: each rule's `loopTs` in a function over its scalars and arrays. */
function generatedSource(): string {
  const entries = Object.entries(OPTIMIZER_RULES).map(([name, r]) => {
    const { scalars, loopTs } = compileUpdate(name, r.slots, r.update);
    const params = ['p', 'g', ...r.slots.map(localName)].map((n) => `${n}: DataArray`).join(', ');
    return [
      `  ${name}: {`,
      `    slots: ${quoted(r.slots)},`,
      `    update: ${quoted(r.update)},`,
      `    step: (u: { ${scalars.map((s) => `${s}: number`).join('; ')} }, ${params}) => {`,
      `      ${loopTs.split('\n').join('\n      ')}`,
      '    },',
      '  },',
    ].join('\n');
  });
  return `${HEADER}${entries.join('\n')}\n};\n`;
}

/** Deterministic test data in [-1, 1) (a small LCG, so a failure reproduces). */
function data(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 30) - 1);
}

describe('the generated CPU optimizer steps', () => {
  it('are the rule table rendered (a changed rule fails here until the file is regenerated with -u)', async () => {
    await expect(generatedSource()).toMatchFileSnapshot('../src/optimizer/cpu-steps.generated.ts');
  });

  it('match the statement interpreter bit for bit on every rule', () => {
    const base = { lr: 0.1, momentum: 0.9, rho: 0.9, epsilon: 1e-7, beta1: 0.9, beta2: 0.999, t: 3, scheduleDecay: 0.004, mSchedule: 0.7 };
    for (const [rule, r] of Object.entries(OPTIMIZER_RULES) as [OptimizerRuleName, (typeof OPTIMIZER_RULES)[OptimizerRuleName]][]) {
      for (const nesterov of [false, true]) {
        const { program, scalars } = optimizerStep(rule, { ...base, nesterov });
        const interpreted = compileUpdate(rule, r.slots, r.update);
        // Slots start non-negative where a rule takes their square root.
        const run = (step: typeof program.cpu) => {
          const p = data(1031, 1), g = data(1031, 2), slots = r.slots.map((_, k) => data(1031, 3 + k).map(Math.abs));
          step(p, g, slots, scalars);
          return [p, ...slots];
        };
        const generated = vi.spyOn(GENERATED_CPU_STEPS[rule]!, 'step');
        expect(run(program.cpu), `${rule} nesterov=${nesterov}`).toEqual(run(interpreted.cpu));
        expect(generated, `${rule} runs its generated loop`).toHaveBeenCalledOnce();
        generated.mockRestore();
      }
    }
    expect(Object.keys(GENERATED_CPU_STEPS)).toEqual(Object.keys(OPTIMIZER_RULES));
  });
});

describe('the kernels source', () => {
  it('generates no code at run time (a page whose Content-Security-Policy lacks unsafe-eval must run it)', () => {
    const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
    const src = join(import.meta.dirname, '../src');
    const offenders = files(src).filter((f) => /\bnew\s+Function\s*\(|(?<![\w.])eval\s*\(|\bFunction\s*\(/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
