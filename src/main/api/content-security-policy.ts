/**
 * The renderer's Content-Security-Policy: only Meshdeck's own bundled scripts run, nothing remote
 * loads, and the page can talk only to its own origin (the API and its WebSocket). Inline styles are
 * allowed because the chart and graph libraries position elements with them; inline script is not.
 */
export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ')
