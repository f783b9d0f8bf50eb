// Reads a file's C2PA manifest store with the reference implementation, c2pa-rs compiled to
// WebAssembly (@contentauth/c2pa-wasm, installed by scripts/setup-c2pa-interop), and prints
// one JSON object: the active manifest and the validation results, or {"error": ...}.
//
//     node verify_c2pa.mjs <file> <mime type> [node_modules folder]
//
// Exit status: 0 when c2pa-rs could read a manifest, 1 when it reported an error, 2 when the
// package is missing (the interop test then fails with the message).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [file, format, modulesDir] = process.argv.slice(2);
if (!file || !format) {
    console.log(JSON.stringify({ error: 'usage: node verify_c2pa.mjs <file> <mime type> [node_modules]' }));
    process.exit(2);
}

let c2pa;
let wasmPath;
try {
    const base = modulesDir ? path.join(path.resolve(modulesDir), 'x.js') : import.meta.url;
    const require = createRequire(base);
    const packageJson = require.resolve('@contentauth/c2pa-wasm/package.json');
    const packageDir = path.dirname(packageJson);
    wasmPath = path.join(packageDir, 'pkg', 'c2pa_bg.wasm');
    c2pa = await import(pathToFileURL(path.join(packageDir, 'pkg', 'c2pa.js')).href);
} catch (e) {
    console.log(JSON.stringify({ error: `@contentauth/c2pa-wasm is not installed (${e.message}); run scripts/setup-c2pa-interop` }));
    process.exit(2);
}

// Under Node there is no fetch of a file: URL, so the module is compiled from its bytes.
c2pa.initSync({ module: readFileSync(wasmPath) });

try {
    const reader = await c2pa.WasmReader.fromBytes(format, new Uint8Array(readFileSync(file)));
    const store = JSON.parse(reader.json());
    const result = {
        active_manifest: store.active_manifest,
        manifest: reader.activeManifest(),
        validation_state: store.validation_state,
        validation_status: store.validation_status ?? [],
        validation_results: store.validation_results ?? null,
    };
    console.log(JSON.stringify(result, (key, value) => (value instanceof Map ? Object.fromEntries(value) : value)));
} catch (e) {
    console.log(JSON.stringify({ error: String(e?.message ?? e) }));
    process.exit(1);
}
