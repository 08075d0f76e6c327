import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

// A PDF read back as a reader would: its text extracted with pdfjs (Mozilla's PDF engine), page by
// page, each page's text in reading order (top to bottom, then left to right); and the fonts it
// embeds (their base names, from its font dictionaries).

export async function pdfText(data: Uint8Array): Promise<{ pages: string[]; fonts: string[] }> {
  const task = getDocument({ data: new Uint8Array(data), useSystemFonts: false });
  const doc = await task.promise;
  const pages: string[] = [];
  for (let p = 1; p <= doc.numPages; p++) {
    const content = await (await doc.getPage(p)).getTextContent();
    const lines = new Map<number, { x: number; s: string }[]>();
    for (const item of content.items) {
      if (!('str' in item) || item.str === '') continue;
      const y = Math.round(item.transform[5] as number);
      const line = lines.get(y) ?? [];
      line.push({ x: item.transform[4] as number, s: item.str });
      lines.set(y, line);
    }
    pages.push(
      [...lines]
        .sort(([a], [b]) => b - a)
        .map(([, parts]) =>
          parts
            .sort((a, b) => a.x - b.x)
            .map((t) => t.s)
            .join(' '),
        )
        .join('\n'),
    );
  }
  await task.destroy();
  const raw = Buffer.from(data).toString('latin1');
  const fonts = [
    ...new Set([...raw.matchAll(/\/BaseFont\s*\/(?:[A-Z]{6}\+)?([^\s/>]+)/g)].map((m) => m[1]!)),
  ];
  return { pages, fonts };
}
