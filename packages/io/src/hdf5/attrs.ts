import { KerasFileError } from './errors.js';
import { h5wasm, type H5Dataset, type H5Group } from './h5.js';

export type H5Object = H5Group | H5Dataset;

/** HDF5's object-header limit: Keras splits longer attributes into `name0`, `name1`, … */
export const HDF5_OBJECT_HEADER_LIMIT = 64512;

const where = (obj: H5Object, name: string) => `${obj.path === '/' ? '' : obj.path}/@${name}`;

const utf8 = new TextDecoder();
const decode = (v: unknown): unknown => (v instanceof Uint8Array ? utf8.decode(v) : v);

/** A scalar string attribute (Keras writes them as variable-length ASCII), or null when absent. */
export function readStringAttr(obj: H5Object, name: string): string | null {
  const a = obj.attrs[name];
  if (a === undefined) return null;
  const v = decode(a.value);
  if (typeof v !== 'string') throw new KerasFileError(`${where(obj, name)}: expected a string attribute, got dtype ${JSON.stringify(a.dtype)}`);
  return v;
}

function listValue(obj: H5Object, name: string): string[] {
  const v = obj.attrs[name]!.value;
  // A layer without weights stores an empty float64 array instead of a string array.
  if (ArrayBuffer.isView(v) && !(v instanceof Uint8Array) && (v as Float64Array).length === 0) return [];
  const items = Array.isArray(v) ? v.map(decode) : [decode(v)];
  if (items.some((s) => typeof s !== 'string')) throw new KerasFileError(`${where(obj, name)}: expected a list of names`);
  return items as string[];
}

/**
 * A list-of-names attribute (`layer_names`, `weight_names`), also when Keras split it into
 * numbered chunks; null when absent.
 */
export function readStringList(obj: H5Object, name: string): string[] | null {
  if (obj.attrs[name] !== undefined) return listValue(obj, name);
  if (obj.attrs[`${name}0`] === undefined) return null;
  const out: string[] = [];
  for (let i = 0; obj.attrs[`${name}${i}`] !== undefined; i++) out.push(...listValue(obj, `${name}${i}`));
  return out;
}

const isAscii = (s: string) => /^\p{ASCII}*$/u.test(s);

/** Python's json.dumps output is pure ASCII; JSON.stringify's is not, so escape the rest. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A scalar variable-length ASCII string attribute, the type Keras writes. */
export function writeStringAttr(obj: H5Object, name: string, value: string): void {
  if (!isAscii(value)) throw new KerasFileError(`${where(obj, name)}: HDF5 ASCII attributes cannot hold '${value}'`);
  obj.create_attribute(name, value, null, 'A');
}

/** numpy.array_split's chunking: the first (n mod k) chunks get one extra item. */
function arraySplit<T>(xs: readonly T[], k: number): T[][] {
  const small = Math.floor(xs.length / k), extra = xs.length % k;
  const out: T[][] = [];
  for (let c = 0, at = 0; c < k; c++) {
    const len = small + (c < extra ? 1 : 0);
    out.push(xs.slice(at, at + len));
    at += len;
  }
  return out;
}

/**
 * A list of names as Keras writes it: a 1-D array of fixed-length ASCII strings as wide as the
 * longest name; an empty list as an empty float64 array; split into `name0`, `name1`, … as Keras
 * does when it would exceed the object-header limit.
 */
export function writeStringList(obj: H5Object, name: string, values: readonly string[]): void {
  if (values.length === 0) {
    obj.create_attribute(name, new Float64Array(0));
    return;
  }
  const bad = values.find((s) => !isAscii(s));
  if (bad !== undefined) throw new KerasFileError(`${where(obj, name)}: HDF5 ASCII attributes cannot hold '${bad}'`);
  const width = Math.max(1, ...values.map((s) => s.length));
  let k = 1;
  while (Math.ceil(values.length / k) * width > HDF5_OBJECT_HEADER_LIMIT) k++;
  if (k === 1) {
    obj.create_attribute(name, [...values], null, `A${width}`);
    return;
  }
  arraySplit(values, k).forEach((chunk, i) => obj.create_attribute(`${name}${i}`, chunk, null, `A${width}`));
}

/** The object at a relative path whose parts may contain ':' but are separated by '/'; null if absent. */
export function getPath(group: H5Group, path: string): H5Group | H5Dataset | null {
  const e = group.get(path);
  return e instanceof h5wasm.Group || e instanceof h5wasm.Dataset ? e : null;
}

/** Creates the groups on the way to `path` (as h5py does for names containing '/'). */
export function ensureGroups(group: H5Group, parts: readonly string[]): H5Group {
  let g = group;
  for (const p of parts) {
    const e = getPath(g, p);
    if (e instanceof h5wasm.Dataset) throw new KerasFileError(`${e.path} is a dataset, cannot hold '${parts.join('/')}'`);
    g = e ?? g.create_group(p);
  }
  return g;
}
