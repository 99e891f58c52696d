#!/usr/bin/env node
// Runs TFLite models in the real TFLite runtime (tfjs-tflite's WebAssembly build: TFLite with the
// XNNPACK delegate, single-threaded) on .npy inputs and writes the outputs as .npy, for the Java
// tests' comparisons. Jobs come on stdin, one per line: MODEL<TAB>IN.npy<TAB>OUT.npy. IN holds a
// batch [N, ...the model's input shape without its batch of 1], in the model's input dtype; OUT gets
// [N, ...the output shape without its batch] in the output's dtype. One model is loaded once for
// all the jobs that name it. Prints "ok N" per job on stdout; any error goes to stderr, exit 1.
'use strict';
const fs = require('fs');
const path = require('path');

const wasmDir = path.join(__dirname, 'node_modules', '@tensorflow', 'tfjs-tflite', 'wasm');
const DTYPES = {uint8: ['|u1', Uint8Array], int8: ['|i1', Int8Array], float32: ['<f4', Float32Array],
  int32: ['<i4', Int32Array]};

function readNpy(file) {
  const b = fs.readFileSync(file);
  if (b.readUInt8(0) !== 0x93 || b.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(file + ': not a .npy file');
  const major = b.readUInt8(6);
  const hlen = major === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + hlen;
  const header = b.toString('latin1', major === 1 ? 10 : 12, start);
  const descr = /'descr':\s*'([^']*)'/.exec(header)[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error(file + ': Fortran order');
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map(s => s.trim()).filter(s => s).map(Number);
  const entry = Object.entries(DTYPES).find(([, [d]]) => d === descr || d.slice(1) === descr.slice(1) && d[0] === '|');
  if (!entry) throw new Error(file + ': unsupported dtype ' + descr);
  const [dtype, [, Arr]] = entry;
  const bytes = b.subarray(start);
  const data = new Arr(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  return {dtype, shape, data};
}

function writeNpy(file, dtype, shape, data) {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${DTYPES[dtype][0]}', 'fortran_order': False, 'shape': ${dims}, }`;
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header + ' '.repeat(total - 10 - header.length - 1) + '\n';
  const pre = Buffer.alloc(10);
  pre.writeUInt8(0x93, 0);
  pre.write('NUMPY', 1, 'latin1');
  pre.writeUInt8(1, 6);
  pre.writeUInt8(0, 7);
  pre.writeUInt16LE(header.length, 8);
  const tmp = file + '.tmp';
  fs.writeFileSync(tmp, Buffer.concat([pre, Buffer.from(header, 'latin1'),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
  fs.renameSync(tmp, file);
}

async function main() {
  const factory = require(path.join(wasmDir, 'tflite_web_api_cc_simd.js'));
  const Module = await factory({wasmBinary: fs.readFileSync(path.join(wasmDir, 'tflite_web_api_cc_simd.wasm')),
    print: s => process.stderr.write(s + '\n'), printErr: s => process.stderr.write(s + '\n')});
  const runners = new Map();
  const runner = model => {
    if (!runners.has(model)) {
      const buf = fs.readFileSync(model);
      const ptr = Module._malloc(buf.length);
      Module.HEAPU8.set(buf, ptr);
      const r = Module.TFLiteWebModelRunner.CreateFromBufferAndOptions(ptr, buf.length,
        {numThreads: 1, enableProfiling: false, maxProfilingBufferEntries: 1024});
      if (!r.ok()) throw new Error(model + ': ' + r.errorMessage());
      runners.set(model, r.value());
    }
    return runners.get(model);
  };
  const lines = fs.readFileSync(0, 'utf8').split('\n').filter(l => l.trim());
  for (const line of lines) {
    const [model, inFile, outFile] = line.split('\t');
    const r = runner(model);
    const input = readNpy(inFile);
    const tin = r.GetInputs().get(0);
    const inShape = Array.from(tin.shape.split ? tin.shape.split(',').map(Number) : tin.shape);
    if (input.dtype !== tin.dataType) throw new Error(`${inFile}: dtype ${input.dtype}, the model takes ${tin.dataType}`);
    const per = inShape.reduce((a, b) => a * b, 1);
    const n = input.data.length / per;
    if (!Number.isInteger(n) || n < 1) throw new Error(`${inFile}: ${input.data.length} values are not a batch of ${inShape}`);
    let outs = null;
    let outShape = null;
    let outType = null;
    for (let i = 0; i < n; i++) {
      tin.data().set(input.data.subarray(i * per, (i + 1) * per));
      if (!r.Infer()) throw new Error(model + ': inference failed');
      const to = r.GetOutputs().get(0);
      const d = to.data();
      if (!outs) {
        outType = to.dataType;
        outShape = Array.from(to.shape.split ? to.shape.split(',').map(Number) : to.shape);
        outs = new DTYPES[outType][1](d.length * n);
      }
      outs.set(d, i * d.length);
    }
    writeNpy(outFile, outType, [n, ...outShape.slice(1)], outs);
    process.stdout.write(`ok ${n}\n`);
  }
}

main().catch(e => {
  process.stderr.write(String(e && e.stack || e) + '\n');
  process.exit(1);
});
