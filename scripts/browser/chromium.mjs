// Drives Debian's headless Chromium over the DevTools protocol on a pipe (--remote-debugging-pipe:
// fds 3 and 4, messages ended by NUL), so it needs no WebSocket and no npm package. WebGPU on a
// machine without a GPU runs on Chromium's SwiftShader; --enable-unsafe-webgpu exposes it headless.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The Chromium binary: $CHROME, else Debian's. */
export const chromiumPath = () => process.env.CHROME || '/usr/bin/chromium';
export const hasChromium = () => existsSync(chromiumPath());

export const WEBGPU_FLAGS = ['--enable-unsafe-webgpu'];

/** Starts Chromium; `open(url)` gives a page with `evaluate`, `drag` and `screenshot`; `close()` ends it. */
export async function launch({ flags = WEBGPU_FLAGS, width = 1200, height = 900 } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'kerasgpu-chromium-'));
  const args = ['--headless=new', '--no-sandbox', '--remote-debugging-pipe', `--user-data-dir=${profile}`, '--no-first-run',
    '--no-default-browser-check', `--window-size=${width},${height}`, ...flags, 'about:blank'];
  // Its own process group, so closing ends the zygote and GPU helpers too (they write to the profile).
  const proc = spawn(chromiumPath(), args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  const toBrowser = proc.stdio[3], fromBrowser = proc.stdio[4];
  let nextId = 0, pending = new Map(), buffer = '';
  const listeners = [];
  fromBrowser.on('data', (chunk) => {
    buffer += chunk.toString('utf8');
    let end;
    while ((end = buffer.indexOf('\0')) >= 0) {
      const msg = JSON.parse(buffer.slice(0, end));
      buffer = buffer.slice(end + 1);
      if (msg.id !== undefined && pending.has(msg.id)) {
        const { resolve, reject, method } = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.error) reject(new Error(`${method}: ${msg.error.message}`));
        else resolve(msg.result);
      } else for (const l of listeners) l(msg);
    }
  });
  exited.then((code) => {
    for (const { reject } of pending.values()) reject(new Error(`chromium exited (${code}) before answering:\n${stderr}`));
    pending.clear();
  });
  const send = (method, params = {}, sessionId) => new Promise((resolve, reject) => {
    const id = ++nextId;
    pending.set(id, { resolve, reject, method });
    toBrowser.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
  });
  await send('Browser.getVersion');

  async function open(url, { onConsole = () => {} } = {}) {
    const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
    const call = (method, params) => send(method, params, sessionId);
    listeners.push((msg) => {
      if (msg.sessionId !== sessionId) return;
      if (msg.method === 'Runtime.consoleAPICalled') onConsole(msg.params.args.map((a) => a.value ?? a.description).join(' '));
      if (msg.method === 'Runtime.exceptionThrown') onConsole(`exception: ${msg.params.exceptionDetails.exception?.description ?? msg.params.exceptionDetails.text}`);
    });
    await call('Runtime.enable');
    await call('Page.enable');
    await call('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });
    await call('Page.navigate', { url });
    return {
      /** The value of `expression` once the page defines it (a promise is awaited), within `timeoutMs`. */
      async waitFor(expression, timeoutMs) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const r = await call('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true, timeout: Math.max(1, deadline - Date.now()) });
          if (r.exceptionDetails) throw new Error(`${expression}: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
          if (r.result.value !== undefined && r.result.value !== null) return r.result.value;
          if (Date.now() > deadline) throw new Error(`${expression}: nothing after ${timeoutMs} ms`);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      },
      evaluate: (expression) => call('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }).then((r) => r.result.value),
      /** Presses the left mouse button at the first point, moves through the rest, releases at the last. */
      async drag(points) {
        const mouse = (type, [x, y]) => call('Input.dispatchMouseEvent', { type, x, y, button: 'left', buttons: type === 'mouseReleased' ? 0 : 1, clickCount: 1 });
        await mouse('mousePressed', points[0]);
        for (const p of points.slice(1)) await mouse('mouseMoved', p);
        await mouse('mouseReleased', points.at(-1));
      },
      /** A PNG of the page as Base64-decoded bytes. */
      screenshot: async () => Buffer.from((await call('Page.captureScreenshot', { format: 'png' })).data, 'base64'),
    };
  }

  async function close() {
    try { process.kill(-proc.pid, 'SIGTERM'); } catch { proc.kill('SIGTERM'); }
    await exited;
    await new Promise((r) => setTimeout(r, 200));
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }); // chromium's helpers may still be writing it
  }
  return { open, close, stderr: () => stderr };
}
