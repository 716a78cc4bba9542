#!/usr/bin/env node
// `npm run package:teams`: the Teams app package to side-load or upload (Teams admin center / Developer Portal):
// manifests/teams/manifest.json with its ${{PLACEHOLDERS}} filled from environment variables, plus the two icons,
// zipped flat as Teams expects, into build/teams-app.zip. Only Node's standard library is used.
//
//   BOT_ID=<Microsoft App ID> TEAMS_APP_ID=<a GUID, may equal BOT_ID> DEVELOPER_NAME="Contoso" \
//   DEVELOPER_WEBSITE_URL=https://... DEVELOPER_PRIVACY_URL=https://... DEVELOPER_TERMS_URL=https://... \
//   npm run package:teams
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const source = path.join(root, "manifests", "teams");
const output = path.join(root, "build", "teams-app.zip");

const template = readFileSync(path.join(source, "manifest.json"), "utf8");
const missing = new Set();
const manifest = template.replace(/\$\{\{([A-Z_]+)\}\}/g, (_, name) => {
  const value = process.env[name];
  if (!value) missing.add(name);
  return value ?? "";
});
if (missing.size > 0) {
  console.error(`Set these environment variables first: ${[...missing].join(", ")}`);
  process.exit(1);
}
const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
for (const name of ["BOT_ID", "TEAMS_APP_ID"]) {
  if (!guid.test(process.env[name])) {
    console.error(`${name} must be a GUID (the bot's Microsoft App ID; the app id may be the same GUID).`);
    process.exit(1);
  }
}
JSON.parse(manifest); // a value that broke the JSON would be caught here

const files = [
  ["manifest.json", Buffer.from(manifest, "utf8")],
  ["color.png", readFileSync(path.join(source, "color.png"))],
  ["outline.png", readFileSync(path.join(source, "outline.png"))],
];

// A minimal zip: one deflated entry per file, then the central directory.
const locals = [];
const centrals = [];
let offset = 0;
for (const [name, data] of files) {
  const nameBytes = Buffer.from(name, "utf8");
  const deflated = zlib.deflateRawSync(data);
  const crc = zlib.crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);            // version needed
  local.writeUInt16LE(0x0800, 6);        // UTF-8 names
  local.writeUInt16LE(8, 8);             // deflate
  local.writeUInt32LE(0, 10);            // time and date: 1980-01-01, so the package is reproducible
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(deflated.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  local.writeUInt16LE(0, 28);
  locals.push(local, nameBytes, deflated);

  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(0x0800, 8);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(0, 12);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(deflated.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  central.writeUInt32LE(offset, 42);
  centrals.push(central, nameBytes);
  offset += local.length + nameBytes.length + deflated.length;
}
const directory = Buffer.concat(centrals);
const end = Buffer.alloc(22);
end.writeUInt32LE(0x06054b50, 0);
end.writeUInt16LE(files.length, 8);
end.writeUInt16LE(files.length, 10);
end.writeUInt32LE(directory.length, 12);
end.writeUInt32LE(offset, 16);

mkdirSync(path.dirname(output), { recursive: true });
writeFileSync(output, Buffer.concat([...locals, directory, end]));
console.log(`Wrote ${path.relative(root, output)}: upload it in Teams (Apps > Manage your apps > Upload an app).`);
