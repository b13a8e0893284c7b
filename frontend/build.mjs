// Compiles the stylesheet and copies the browser files into imha/static/dist, where Django's
// static files finder (and whitenoise in production) picks them up.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const out = join(root, "imha", "static", "dist");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "govuk"), { recursive: true });

const result = sass.compile(join(root, "frontend", "scss", "main.scss"), {
  style: "compressed",
  importers: [new sass.NodePackageImporter()],
  quietDeps: true,
});
writeFileSync(join(out, "app.css"), result.css);

cpSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk", "govuk-frontend.min.js"));
// Only the images we use: the crest and crown artwork stay out of the build on purpose.
mkdirSync(join(out, "govuk", "assets", "images"), { recursive: true });
cpSync(join(root, "frontend", "js", "app.mjs"), join(out, "app.mjs"));
console.log(`Built ${join(out, "app.css")} (${result.css.length} bytes)`);
