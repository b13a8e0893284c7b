// Marks the page as script-capable and starts the GOV.UK Frontend components. It lives in a
// file, not an inline <script>, so the Content Security Policy can forbid inline scripts.
import { initAll } from "./govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
