import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** Bundles a `*.browser.ts` harness into one ES module to inject into a Chromium page. */
export async function bundleBrowserScript(entry: URL): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(entry)],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    logLevel: 'warning',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error(`esbuild produced no output for ${fileURLToPath(entry)}`);
  return file.text;
}
