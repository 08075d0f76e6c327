import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_FUNCTIONS } from '../functions/api/functions.js';
import { renderQuotePdf } from '../functions/crm/quote-pdf.js';
import { bundleFunction } from '../infra/constructs/bundling.js';
import { ROOT } from '../infra/local/runtime.js';
import { quoteOf50Lines } from './fixtures/quote-50-lines.js';
import { ms, percentile } from './support.js';

// What rendering a quote's PDF costs (GET /quotes/{id}/pdf the first time, POST /quotes/{id}/send):
// a 50-line quote in several scripts with emoji. Cold: a fresh Node process runs the renderer
// bundled as the CRM API bundles it, with its fonts (import, font loading, first render). Warm:
// renders in one process after warm-up.

async function coldRun(file: string): Promise<{ ms: number; bytes: number }> {
  // as in Lambda: the fonts are read from the bundle only
  const env = { ...process.env, AWS_LAMBDA_FUNCTION_NAME: 'quote-pdf-bench' };
  const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => {
    out += c;
  });
  child.stderr.on('data', (c) => {
    err += c;
  });
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  if (code !== 0) throw new Error(`cold render failed: ${err}`);
  return JSON.parse(out);
}

export async function quotePdf(coldRuns = 15, warmRuns = 100): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'handoff-quote-pdf-'));
  try {
    // built and shipped as the CRM API is: its bundling, and its assets (the fonts)
    const crmApi = API_FUNCTIONS.find((f) => f.name === 'CrmApi')!;
    bundleFunction(ROOT, 'bench/fixtures/quote-pdf-cold.ts', dir, crmApi.assets);
    const outfile = join(dir, 'index.mjs');
    const cold: number[] = [];
    let bytes = 0;
    for (let i = 0; i < coldRuns; i++) {
      const run = await coldRun(outfile);
      cold.push(run.ms);
      bytes = run.bytes;
    }
    const quote = quoteOf50Lines();
    for (let i = 0; i < 10; i++) await renderQuotePdf(quote);
    const warm: number[] = [];
    for (let i = 0; i < warmRuns; i++) {
      const s = performance.now();
      await renderQuotePdf(quote);
      warm.push(performance.now() - s);
    }
    return `## Quote PDF: rendering a 50-line quote

A 50-line quote (names in Latin, Cyrillic, Hebrew, Arabic, Chinese, Japanese and Korean, with
emoji; every line discounted and taxed) rendered by pdfkit with DejaVu Sans, Noto Emoji and Noto
Sans SC and KR embedded (subsets): ${(bytes / 1024).toFixed(0)} KB. *Cold*: a fresh Node process
runs the renderer bundled as the CRM API bundles it (esbuild, fonts in the bundle, read from
there only), from its import to the PDF's last byte, ${coldRuns} runs. *Warm*: ${warmRuns}
renders in one process after 10.

| | p50 | p95 |
| --- | --- | --- |
| cold (import, fonts read, first render) | ${ms(percentile(cold, 50))} | ${ms(percentile(cold, 95))} |
| warm (a render) | ${ms(percentile(warm, 50))} | ${ms(percentile(warm, 95))} |

Reading it: parsing the fonts is most of a first render; they are parsed once per instance and the
parsed fonts handed to every document (before that, a warm render re-parsed them: about 1 s). Of
the ~220 CJK subsets only those holding a character of the quote are read, the first time one is
needed, so a quote in Latin script pays nothing for them. The
PDF is rendered once per quote (GET /quotes/{id}/pdf stores it; later reads
and the send reuse the stored file), so a request pays a render at most once per quote.

Load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores as it ended.`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
