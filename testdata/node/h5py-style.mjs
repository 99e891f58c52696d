// Rewrites an HDF5 file with libhdf5 (h5wasm) the way h5py writes Keras's legacy .h5 files, so the
// Java tests can read a file that jHDF did not write: strings as fixed-length byte strings (h5py
// stores numpy bytes so), and every layer of the full layer list present, a layer without weights as
// an empty group whose weight_names is an empty float64 array (what h5py makes of an empty list).
// Usage: node h5py-style.mjs IN.h5 OUT.h5 LAYERS.json   (LAYERS.json: {"root": "model_weights" or "",
// "layer_names": [every layer, in order]})
import fs from "node:fs";
import h5wasm from "h5wasm/node";

await h5wasm.ready;
const [input, output, plan] = process.argv.slice(2);
const { root, layer_names: layerNames } = JSON.parse(fs.readFileSync(plan, "utf8"));
const src = new h5wasm.File(input, "r");
const dst = new h5wasm.File(output, "w");

function fixed(s) {
  return "S" + Math.max(1, Buffer.byteLength(s, "utf8"));
}

function copyAttrs(from, to, skip) {
  for (const [name, a] of Object.entries(from.attrs)) {
    if (skip.has(name)) continue;
    const v = a.value;
    if (typeof v === "string") {
      to.create_attribute(name, v, null, fixed(v));
    } else if (Array.isArray(v) && v.every((x) => typeof x === "string")) {
      const len = Math.max(1, ...v.map((x) => Buffer.byteLength(x, "utf8")));
      to.create_attribute(name, v, [v.length], "S" + len);
    } else {
      to.create_attribute(name, v);
    }
  }
}

function copy(from, to, depth) {
  if (depth > 16) throw new Error("too deep");
  for (const name of from.keys()) {
    const child = from.get(name);
    if (child instanceof h5wasm.Group) {
      const g = to.create_group(name);
      copyAttrs(child, g, new Set(["layer_names"]));
      copy(child, g, depth + 1);
    } else if (child instanceof h5wasm.Dataset) {
      to.create_dataset({ name, data: child.value, shape: child.shape, dtype: "<f4" });
    }
  }
}

copyAttrs(src, dst, new Set(["layer_names"]));
copy(src, dst, 0);
const weights = root === "" ? dst : dst.get(root);
const len = Math.max(...layerNames.map((x) => Buffer.byteLength(x, "utf8")));
weights.create_attribute("layer_names", layerNames, [layerNames.length], "S" + len);
for (const name of layerNames) {
  if (!weights.keys().includes(name)) {
    const g = weights.create_group(name);
    g.create_attribute("weight_names", new Float64Array(0), [0], "<f8");
  }
}
src.close();
dst.close();
