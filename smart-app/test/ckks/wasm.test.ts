// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { assemble, render } from '../../scripts/build-wasm.mjs';
import { NTT_WASM_BASE64 } from '../../src/lib/ckks/wasm/nttWasm';
import { readFileSync } from 'node:fs';

describe('the WebAssembly kernel is built from this repository', () => {
  it('nttWasm.ts holds exactly what ntt.wat assembles to (run npm run build:wasm after editing the .wat)', async () => {
    const bytes = await assemble();
    expect(Buffer.from(NTT_WASM_BASE64, 'base64')).toEqual(bytes);
    expect(readFileSync('src/lib/ckks/wasm/nttWasm.ts', 'utf8')).toBe(render(bytes));
  });
});
