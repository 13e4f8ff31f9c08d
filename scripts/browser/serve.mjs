// A static file server for the repository (the browser test and the demo): GET only, paths kept
// inside the root, bound to 127.0.0.1 (a secure context, so pages get navigator.gpu).
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.map': 'application/json', '.json': 'application/json', '.css': 'text/css', '.png': 'image/png', '.h5': 'application/octet-stream' };

/** Serves `root` on `port` (0: any free one); resolves to { url, close }. */
export function serve(root, port = 0) {
  const server = createServer((req, res) => {
    const path = normalize(join(root, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    const file = path.endsWith(sep) ? join(path, 'index.html') : path;
    const stat = file.startsWith(root + sep) && req.method === 'GET' ? statSync(file, { throwIfNoEntry: false }) : undefined;
    if (!stat?.isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': stat.size, 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((done) => { server.closeAllConnections(); server.close(done); }),
  })));
}
