import h5wasm from 'h5wasm/node';
await h5wasm.ready;
const path = process.argv[2];
const f = new h5wasm.File(path, 'r');
const attrs = (g) => Object.fromEntries(Object.entries(g.attrs).map(([k, v]) => [k, v.value]));
const a = attrs(f);
for (const [k, v] of Object.entries(a)) {
  if (k === 'model_config' || k === 'training_config') console.log(k, JSON.stringify(JSON.parse(v), null, 0).slice(0, 6000));
  else console.log(k, v);
}
const walk = (g, ind) => {
  for (const k of g.keys()) {
    const c = g.get(k);
    if (c instanceof h5wasm.Group) { console.log(ind + k + '/', JSON.stringify(attrs(c)).slice(0, 300)); walk(c, ind + '  '); }
    else console.log(ind + k, JSON.stringify(c.shape), c.dtype);
  }
};
walk(f, '');
