/** What the page's HTML needs from the webview it will live in. */
export interface PanelHtmlParts {
  /** The webview's `cspSource`: the origin its local resources are served from. */
  readonly cspSource: string;
  /** A fresh random value per page load; only scripts and styles carrying it run. */
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
}

/** The Content Security Policy of the Operations page. */
export function panelContentSecurityPolicy(parts: PanelHtmlParts): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${parts.nonce}'`,
    `style-src ${parts.cspSource} 'nonce-${parts.nonce}'`,
    `font-src ${parts.cspSource}`,
    `img-src ${parts.cspSource} data:`,
  ].join('; ');
}

/**
 * The Operations page's HTML: an empty shell the bundled script fills in. Free of vscode so
 * the browser tests load exactly this page, under exactly this policy.
 */
export function renderPanelHtml(parts: PanelHtmlParts): string {
  const nonce = escapeAttribute(parts.nonce);

  // FAST (under the toolkit) probes :focus-visible support with a <style> element; it reads
  // the nonce from this meta tag, and without it the probe is refused by the policy.
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy"
    content="${escapeAttribute(panelContentSecurityPolicy(parts))}">
  <meta property="csp-nonce" content="${nonce}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" nonce="${nonce}" href="${escapeAttribute(parts.styleUri)}">
  <title>Stevedore Operations</title>
</head>
<body>
  <main id="app" aria-busy="true"></main>
  <script nonce="${nonce}" src="${escapeAttribute(parts.scriptUri)}"></script>
</body>
</html>
`;
}

function escapeAttribute(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('"', '&quot;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;');
}
