import type { DataArray } from '../types.js';
import { CALL_LOOPS, compileCpuStep } from './cpu-step.js';

/**
 * The small statement language the optimizer rules (rules.ts) are written in, so that each rule's
 * per-element update is written once and both backends are generated from it.
 *
 * A statement is `name = expr` (assigns `p` or a slot) or `let name = expr` (a temporary). An
 * expr has numbers, names, `+ - * /` and `!=` (left-associative, the usual precedence),
 * parentheses and the calls in `CALLS`, with WGSL's meaning. A name is `p`, `g`, a slot, an
 * earlier temporary, or else one of the rule's per-step scalars. The statements must also
 * type-check on vec4f values (the GPU's vec4 variant): scalars broadcast in `+ - * /`, but a
 * literal passed to `max` would not.
 *
 * The WGSL rendering is the parsed statements printed back with each name resolved (scalars read
 * the uniform block `u`); the CPU rendering runs the same parsed statements as vector
 * instructions (cpu-step.ts).
 */

/** Binary operators by precedence (`!=` only compares, for `select`'s condition); each has a CPU loop. */
const PRECEDENCE: Record<string, number> = { '!=': 0, '+': 1, '-': 1, '*': 2, '/': 2 };
/** Names a slot or temporary cannot take: the element index of the WGSL template, and the functions. */
const RESERVED = new Set(['i', ...Object.keys(CALL_LOOPS)]);

export type Expr =
  | { kind: 'num'; text: string }
  | { kind: 'name'; name: string }
  | { kind: 'op'; op: string; a: Expr; b: Expr }
  | { kind: 'call'; fn: string; args: Expr[] };
export interface Statement { target: string; temp: boolean; expr: Expr }

/** Parses one statement (precedence climbing over its tokens). */
function parseStatement(src: string): Statement {
  const tokens = src.match(/\d+(?:\.\d*)?(?:e[-+]?\d+)?|\w+|!=|\S/g) ?? [];
  let k = 0;
  const fail = (why: string): never => { throw new Error(`optimizer rule statement '${src}': ${why}`); };
  const take = (want?: string): string => {
    const t = tokens[k++];
    if (t === undefined || (want !== undefined && t !== want)) fail(`expected ${want ?? 'more'} at token ${k}, got ${t ?? 'the end'}`);
    return t!;
  };
  const isName = (t: string | undefined) => t !== undefined && /^[A-Za-z_]\w*$/.test(t);
  const primary = (): Expr => {
    const t = take();
    if (t === '(') { const e = expr(0); take(')'); return e; }
    if (/^\d/.test(t)) return { kind: 'num', text: t };
    if (!isName(t)) return fail(`unexpected '${t}'`);
    if (tokens[k] !== '(') return { kind: 'name', name: t };
    const arity = CALL_LOOPS[t]?.arity ?? fail(`unknown function '${t}' (known: ${Object.keys(CALL_LOOPS).join(', ')})`);
    take('(');
    const args = [expr(0)];
    while (tokens[k] === ',') { take(); args.push(expr(0)); }
    take(')');
    if (args.length !== arity) fail(`${t} takes ${arity} argument(s), got ${args.length}`);
    return { kind: 'call', fn: t, args };
  };
  /** Operators of at least precedence `min`, left-associative. */
  const expr = (min: number): Expr => {
    let a = primary();
    for (let p = PRECEDENCE[tokens[k] ?? '']; p !== undefined && p >= min; p = PRECEDENCE[tokens[k] ?? '']) {
      a = { kind: 'op', op: take(), a, b: expr(p + 1) };
    }
    return a;
  };
  const temp = tokens[0] === 'let';
  if (temp) take();
  const target = take();
  if (!isName(target)) fail(`'${target}' is not a name`);
  take('=');
  const e = expr(0);
  if (k < tokens.length) fail(`unexpected '${tokens[k]}'`);
  return { target, temp, expr: e };
}

/** A variable's name in both renderings (`u` is the uniform block, so Adamax's slot u becomes `u_`). */
export const localName = (name: string): string => (name === 'u' ? 'u_' : name);

/**
 * Prints `e` back, names through `name`, with the parentheses precedence needs (and always
 * around an equal-precedence right operand: float + is not associative). A number keeps its
 * text with a `.0` added to an integer, which WGSL would otherwise take as an integer.
 */
function render(e: Expr, name: (n: string) => string, prec = -1, right = false): string {
  switch (e.kind) {
    case 'num': return /^\d+$/.test(e.text) ? `${e.text}.0` : e.text;
    case 'name': return name(e.name);
    case 'call': return `${e.fn}(${e.args.map((a) => render(a, name)).join(', ')})`;
    case 'op': {
      const p = PRECEDENCE[e.op]!;
      const s = `${render(e.a, name, p)} ${e.op} ${render(e.b, name, p, true)}`;
      return p < prec || (right && p === prec) ? `(${s})` : s;
    }
  }
}

/** A rule's update compiled for both backends. */
export interface UpdateProgram {
  /** The per-step scalars the statements read, in first-use order (the GPU's uniform fields). */
  scalars: readonly string[];
  /** WGSL statements over `g`, `p`, the slot variables (`localName`) and the uniforms `u.<scalar>`. */
  wgsl: string;
  /**
   * The CPU step over every element of p (float64 arithmetic), updating p and the slots in
   * place; each assignment is stored at once, so a float32 array rounds it, as the GPU's f32
   * variables do. `scalars` are the values of `UpdateProgram.scalars`, in that order.
   */
  cpu: (p: DataArray, g: DataArray, slots: readonly DataArray[], scalars: readonly number[]) => void;
  /**
   * The same step as a TypeScript loop over `u` (the scalars by name), `p`, `g` and the slot
   * arrays (`localName`), calling `sqrt`, `abs`, `max` and `select`: the text that
   * cpu-steps.generated.ts holds for each rule of the table, so the table's rules run as
   * compiled loops (several times faster than `cpu`) without generating code at run time.
   */
  loopTs: string;
}

/** Compiles the statements of a rule with the given slots; throws on a syntax error or a misused name. */
export function compileUpdate(rule: string, slots: readonly string[], statements: readonly string[]): UpdateProgram {
  const arrays = ['p', 'g', ...slots];
  const temps: string[] = [];
  const scalars: string[] = [];
  const parsed = statements.map(parseStatement);
  const collect = (e: Expr): void => {
    if (e.kind === 'op') { collect(e.a); collect(e.b); }
    if (e.kind === 'call') e.args.forEach(collect);
    if (e.kind === 'name' && !arrays.includes(e.name) && !temps.includes(e.name) && !scalars.includes(e.name)) scalars.push(e.name);
  };
  for (const { target, temp, expr } of parsed) {
    collect(expr);
    const ok = temp ? ![...arrays, ...temps, ...scalars].includes(target) : target !== 'g' && arrays.includes(target);
    if (!ok || RESERVED.has(target)) throw new Error(`optimizer rule ${rule}: cannot ${temp ? 'declare' : 'assign'} '${target}' (assignable: p, ${slots.join(', ')})`);
    if (temp) temps.push(target);
  }
  const badSlot = slots.find((s) => RESERVED.has(s));
  if (badSlot !== undefined) throw new Error(`optimizer rule ${rule}: '${badSlot}' cannot name a slot`);

  /** The statements printed with names resolved: scalars from `u`, arrays through `array` (`read` for a read). */
  const lines = (array: (n: string, read: boolean) => string) => parsed.map(({ target, temp, expr }) => {
    const name = (read: boolean) => (n: string) => (scalars.includes(n) ? `u.${n}` : arrays.includes(n) ? array(localName(n), read) : localName(n));
    return `${temp ? 'let ' : ''}${name(false)(target)} = ${render(expr, name(true))};`;
  });
  const step = compileCpuStep(arrays, scalars, parsed);
  return {
    scalars,
    wgsl: lines((n) => n).join('\n  '),
    loopTs: `for (let i = 0; i < p.length; i++) {\n  ${lines((n, read) => `${n}[i]${read ? '!' : ''}`).join('\n  ')}\n}`,
    cpu: (p, g, slotArrays, values) => step([p, g, ...slotArrays], values),
  };
}
