import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { createContext, Script } from 'node:vm';
import type { LocalConsole } from './template.js';

// The console's CloudFront distribution, locally: the files the bucket deployment uploads (the
// Vite build in the template's asset), the distribution's viewer-request function run on every
// request (the template's own code, in a VM context as CloudFront's JavaScript runtime runs it),
// the response headers policy's security headers, and config.json, which the deployment writes
// with the deployed API's and sign-in's addresses, written here with the local ones. A missing
// file is a 403, as S3 answers CloudFront when the origin access control may not list the bucket.

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

type ViewerRequest = (event: { request: { uri: string; method: string } }) => { uri: string };

function viewerRequest(code: string | undefined): ViewerRequest {
  if (!code) return ({ request }) => request;
  const context = createContext({});
  return new Script(`${code}\n;handler`).runInContext(context) as ViewerRequest;
}

export function consoleHandler(site: LocalConsole, config: () => unknown) {
  const route = viewerRequest(site.viewerRequestCode);
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const uri = url.pathname === '/' ? '/index.html' : route({ request: { uri: url.pathname, method } }).uri;
    const headers = { ...site.headers };
    if (uri === '/config.json') {
      res.writeHead(200, { ...headers, 'content-type': 'application/json', 'cache-control': 'no-cache' });
      res.end(method === 'HEAD' ? undefined : JSON.stringify(config()));
      return;
    }
    const file = normalize(join(site.assetDir, uri));
    if (!file.startsWith(site.assetDir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(403, { ...headers, 'content-type': 'application/xml' });
      res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code></Error>');
      return;
    }
    const cache = uri === '/index.html' ? 'no-cache' : 'public, max-age=31536000, immutable';
    res.writeHead(200, {
      ...headers,
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': cache,
    });
    res.end(method === 'HEAD' ? undefined : readFileSync(file));
  };
}
