// Validates an AsyncAPI document with the official parser (@asyncapi/parser, pinned in
// package-lock.json). Prints the diagnostics as JSON; exits 1 when any is an error.
import { readFileSync } from "node:fs";
import { Parser } from "@asyncapi/parser";

const path = process.argv[2];
const parser = new Parser();
const { document, diagnostics } = await parser.parse(readFileSync(path, "utf8"), { source: path });
const errors = diagnostics.filter((d) => d.severity === 0);
console.log(JSON.stringify({
  valid: document !== undefined && errors.length === 0,
  channels: document ? document.channels().length : 0,
  messages: document ? document.allMessages().length : 0,
  diagnostics: diagnostics.map((d) => ({ severity: d.severity, code: d.code, message: d.message,
                                          path: d.path.join(".") })),
}));
process.exit(errors.length === 0 && document !== undefined ? 0 : 1);
