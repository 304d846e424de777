import { execFile } from 'node:child_process';

/**
 * Text and metadata of a PDF, read by an independent parser (pdf.js through pdf-parse). pdf.js
 * loads its worker with a dynamic import(), which jest's CommonJS sandbox refuses: the parser
 * runs in a plain node child process instead.
 */

const SCRIPT = `
const { PDFParse } = require(process.argv[1]);
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', async () => {
  const parser = new PDFParse({ data: new Uint8Array(Buffer.concat(chunks)) });
  try {
    const text = await parser.getText();
    const info = await parser.getInfo();
    process.stdout.write(JSON.stringify({ text: text.text, pages: text.total, info: info.info ?? {} }));
  } catch (e) {
    process.stderr.write(String(e && e.stack || e));
    process.exitCode = 1;
  } finally {
    await parser.destroy();
  }
});
`;

export interface PdfReading {
  text: string;
  pages: number;
  info: Record<string, unknown>;
}

export function readPdf(pdf: Buffer): Promise<PdfReading> {
  const parserPath = require.resolve('pdf-parse');
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['-e', SCRIPT, parserPath],
      { maxBuffer: 32 * 1024 * 1024, timeout: 20_000 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`pdf-parse failed: ${stderr || error.message}`));
        const parsed = JSON.parse(stdout) as PdfReading;
        // Formatted amounts use no-break spaces; compare them as plain spaces.
        resolve({ ...parsed, text: plainSpaces(parsed.text) });
      },
    );
    child.stdin?.end(pdf);
  });
}

/** The same normalisation for expected strings built with formatMoney. */
export function plainSpaces(s: string): string {
  return s.replace(/[\u00A0\u202F]/g, ' ');
}
