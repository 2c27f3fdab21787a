// Compress files once, at build time, for a web server to send as they are (nginx's brotli_static
// and gzip_static, `make serve`), instead of compressing on every request or not at all:
//
//   node precompress.mjs <file> <target> [<file> <target>]...
//
// writes <target>.br (brotli at its best quality, but for very large files) and <target>.gz (gzip -9) for each file, all
// files at once on the thread pool. Each output appears whole or not at all (written beside, then
// renamed), so an interrupted build never leaves a truncated one behind for a server to send.
import { readFile, rename, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";

const brotli = promisify(brotliCompress);
// Brotli's best quality takes 25 s on the 10 MB runtime, and about a minute on the 30 MB memory
// snapshot, which changes with every change to the engine; quality 9 takes 1.3 s on it, for 11%
// more bytes in a download the page makes in the background.
const LARGE = 16 * 2 ** 20;
const gzipped = promisify(gzip);

async function compress(file, target) {
  const data = await readFile(file);
  const outputs = await Promise.all([
    brotli(data, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: data.length > LARGE ? 9 : constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    }).then((bytes) => [".br", bytes]),
    gzipped(data, { level: 9 }).then((bytes) => [".gz", bytes]),
  ]);
  for (const [suffix, bytes] of outputs) {
    const partial = `${target}${suffix}.${process.pid}.tmp`;
    await writeFile(partial, bytes);
    await rename(partial, target + suffix);
  }
}

const args = process.argv.slice(2);
if (args.length === 0 || args.length % 2) {
  console.error("usage: node precompress.mjs <file> <target> [<file> <target>]...");
  process.exit(2);
}
const jobs = [];
for (let i = 0; i < args.length; i += 2) jobs.push(compress(args[i], args[i + 1]));
await Promise.all(jobs);
