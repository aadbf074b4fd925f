// Writes brotli (quality 11) and gzip (level 9) copies of the built browser assets next to them,
// so the server sends them compressed without compressing on every request.
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const dir = process.argv[2] || 'target/site/pkg';
for (const name of fs.readdirSync(dir)) {
  if (!/\.(wasm|js|css)$/.test(name)) continue;
  const file = path.join(dir, name);
  const raw = fs.readFileSync(file);
  const br = zlib.brotliCompressSync(raw, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
    },
  });
  fs.writeFileSync(`${file}.br`, br);
  fs.writeFileSync(`${file}.gz`, zlib.gzipSync(raw, { level: 9 }));
  console.log(`${name}: ${raw.length} bytes, brotli ${br.length}`);
}
