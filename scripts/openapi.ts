import fs from 'node:fs';
import { openApiDocument } from './lib/openapi-document.ts';

/** Writes the API's OpenAPI document to a file, for linters and client generators. */
const out = process.argv[2] ?? 'openapi.json';
fs.writeFileSync(out, JSON.stringify(await openApiDocument(), null, 2));
console.log(`wrote ${out}`);
