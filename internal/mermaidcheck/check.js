// check.js parses each file named on the command line with mermaid's own
// parser (mermaid.parse, as mermaid.live and GitHub's renderer run it) and
// exits 1 naming the first file it rejects. mermaid expects a browser, so
// jsdom provides the window it looks for; nothing is rendered.
//
//   npm ci && node check.js diagram.mmd ...
import { readFile } from "node:fs/promises";
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!DOCTYPE html><body></body>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.DOMParser = dom.window.DOMParser;
globalThis.Element = dom.window.Element;

const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node check.js FILE...");
  process.exit(1);
}
let failed = false;
for (const f of files) {
  const text = await readFile(f, "utf8");
  try {
    const r = await mermaid.parse(text);
    if (r.diagramType !== "er") {
      throw new Error(`parsed as ${r.diagramType}, want er`);
    }
    console.log(`${f}: ok (${r.diagramType})`);
  } catch (e) {
    console.error(`${f}: ${e && e.message ? e.message : e}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
