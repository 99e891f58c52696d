// Runs a .tflite model in the real TFLite runtime (tfjs-tflite's WebAssembly build of TFLite with
// XNNPACK, one thread) for the Java tests: a reference the project's code does not share.
//   node tflite-raw.js MODEL.tflite IN1.bin OUT1.bin [IN2.bin OUT2.bin ...]
// Each IN is the raw little-endian bytes of the model's single input tensor (its own dtype and
// shape); each OUT receives the raw bytes of the first output tensor. Prints one JSON line with the
// input's and output's dtype and shape. Exits 2 with a message when the runtime refuses the model.
'use strict';
const fs = require('fs');
const path = require('path');

async function main() {
  const args = process.argv.slice(2);
  if (args.length < 3 || args.length % 2 !== 1) {
    console.error('usage: node tflite-raw.js MODEL.tflite IN.bin OUT.bin [IN.bin OUT.bin ...]');
    process.exit(64);
  }
  const wasmDir = path.join(__dirname, 'node_modules/@tensorflow/tfjs-tflite/wasm');
  const factory = require(path.join(wasmDir, 'tflite_web_api_cc_simd.js'));
  const Module = await factory({
    wasmBinary: fs.readFileSync(path.join(wasmDir, 'tflite_web_api_cc_simd.wasm')),
    print: () => {},
    printErr: (s) => console.error(s),
  });
  const model = fs.readFileSync(args[0]);
  const ptr = Module._malloc(model.length);
  Module.HEAPU8.set(model, ptr);
  const runner = Module.TFLiteWebModelRunner.CreateFromBufferAndOptions(ptr, model.length,
      {numThreads: 1, enableProfiling: false, maxProfilingBufferEntries: 1024});
  if (!runner || (runner.ok && !runner.ok())) {
    console.error(args[0] + ': the TFLite runtime refused the model');
    process.exit(2);
  }
  const r = runner.value ? runner.value() : runner;
  const describe = (t) => ({dtype: t.dataType, shape: Array.from(t.shape.split ? t.shape.split(',').map(Number) : t.shape)});
  let info = null;
  for (let i = 1; i < args.length; i += 2) {
    const inputs = r.GetInputs();
    if (inputs.size() !== 1) {
      console.error(args[0] + ': expected one input, found ' + inputs.size());
      process.exit(2);
    }
    const input = inputs.get(0);
    const dst = input.data();
    const bytes = fs.readFileSync(args[i]);
    if (bytes.length !== dst.byteLength) {
      console.error(args[i] + ': expected ' + dst.byteLength + ' bytes for the input, found ' + bytes.length);
      process.exit(2);
    }
    new Uint8Array(dst.buffer, dst.byteOffset, dst.byteLength).set(bytes);
    if (!r.Infer()) {
      console.error(args[0] + ': inference failed');
      process.exit(2);
    }
    const output = r.GetOutputs().get(0);
    const out = output.data();
    fs.writeFileSync(args[i + 1], Buffer.from(out.buffer, out.byteOffset, out.byteLength));
    info = {input: describe(input), output: describe(output)};
  }
  console.log(JSON.stringify(info));
}

main().catch((e) => {
  console.error(String(e && e.stack || e));
  process.exit(2);
});
