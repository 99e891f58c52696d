// Dumps an HDF5 file as JSON with h5wasm (libhdf5 compiled to WebAssembly), an HDF5 reader independent
// of the Java one under test: every group's attributes and every dataset's shape, type and values
// (float data as base64 of little-endian float32). Usage: node h5dump.mjs FILE
import h5wasm from "h5wasm/node";

await h5wasm.ready;
const file = new h5wasm.File(process.argv[2], "r");

function attrs(node) {
  const out = {};
  for (const [name, a] of Object.entries(node.attrs)) {
    const v = a.value;
    out[name] = ArrayBuffer.isView(v) ? Array.from(v) : v;
  }
  return out;
}

function walk(group, path, out, depth) {
  if (depth > 16) throw new Error("groups nested too deeply at " + path);
  out.groups[path] = attrs(group);
  for (const name of group.keys()) {
    const child = group.get(name);
    const p = path === "/" ? "/" + name : path + "/" + name;
    if (child instanceof h5wasm.Group) {
      walk(child, p, out, depth + 1);
    } else if (child instanceof h5wasm.Dataset) {
      const v = child.value;
      const f32 = v instanceof Float32Array ? v : Float32Array.from(v);
      out.datasets[p] = {
        shape: child.shape,
        dtype: child.dtype,
        data: Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength).toString("base64"),
      };
    }
  }
}

const out = { groups: {}, datasets: {} };
walk(file, "/", out, 0);
file.close();
process.stdout.write(JSON.stringify(out));
