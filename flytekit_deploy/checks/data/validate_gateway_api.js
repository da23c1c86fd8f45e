// Validate Gateway API objects against the CRD schemas compiled in @kubernetes-models/gateway-api.
// Usage: node validate_gateway_api.js <node_modules dir>  (a JSON array of objects on stdin)
// Prints a JSON array: one {kind, name, errors: [..]} per object, in order.
"use strict";
const { pathToFileURL } = require("node:url");
const { join } = require("node:path");
const { readFileSync } = require("node:fs");

(async () => {
  const root = process.argv[2];
  const objects = JSON.parse(readFileSync(0, "utf8"));
  const out = [];
  for (const obj of objects) {
    const name = (obj.metadata || {}).name || "";
    const [group, version] = String(obj.apiVersion || "").split("/");
    let Model;
    try {
      const index = join(root, "@kubernetes-models/gateway-api", group, version || "", "index.js");
      Model = (await import(pathToFileURL(index).href))[obj.kind];
    } catch (e) {
      Model = undefined;
    }
    if (!Model) {
      out.push({ kind: obj.kind, name, errors: [`no schema for ${obj.apiVersion} ${obj.kind}`] });
      continue;
    }
    try {
      new Model(obj).validate();
      out.push({ kind: obj.kind, name, errors: [] });
    } catch (e) {
      const errors = (e.errors || [e]).map((x) => (x.instancePath !== undefined ? `${x.instancePath || "/"} ${x.message}` : String(x.message || x)));
      out.push({ kind: obj.kind, name, errors });
    }
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e));
  process.exit(1);
});
