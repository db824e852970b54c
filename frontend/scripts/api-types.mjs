// Turn the services' OpenAPI documents (written by `python -m tools.openapi <dir>`) into TypeScript types.
//   node scripts/api-types.mjs <spec dir> [<out dir>, default src/api/generated]   ->   <out dir>/<service>.ts
import fs from "node:fs";
import path from "node:path";
import openapiTS, { astToString } from "openapi-typescript";

const specDir = process.argv[2];
if (!specDir) {
  console.error("usage: node scripts/api-types.mjs <folder with auth.json, patient.json, ...>");
  process.exit(2);
}
const outDir = process.argv[3]
  ? new URL(`file://${path.resolve(process.argv[3])}/`)
  : new URL("../src/api/generated/", import.meta.url);
for (const file of fs.readdirSync(specDir).filter((name) => name.endsWith(".json")).sort()) {
  const spec = JSON.parse(fs.readFileSync(path.join(specDir, file), "utf8"));
  const ast = await openapiTS(spec);
  const banner = `// Generated from ${spec.info.title}'s OpenAPI document by \`make api-types\`. Do not edit.\n\n`;
  const target = new URL(file.replace(/\.json$/, ".ts"), outDir);
  fs.writeFileSync(target, banner + astToString(ast));
  console.log(`wrote ${target.pathname}`);
}
