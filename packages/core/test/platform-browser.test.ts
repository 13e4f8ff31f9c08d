/**
 * The browser platform, run here under Node with a stand-in console: output becomes one console
 * line per finished line (a progress bar's `\r` redraws start the line over), there is no
 * environment and no file system, and the GPU is `navigator.gpu` or a clear error.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { platform } from '../src/platform/browser.js';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('the browser platform', () => {
  it('writes finished lines to the console, keeping what follows the last carriage return', () => {
    const logged: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => { logged.push(line); });
    for (const chunk of ['Epoch 1/1\n', '1/4 [==', '====]\r2/4 [====', '====]\r4/4 [========] - loss: 0.1', '\nnext ', 'line\n', 'unfinished']) platform.writeOut(chunk);
    expect(logged).toEqual(['Epoch 1/1', '4/4 [========] - loss: 0.1', 'next line']);
  });

  it('has no environment variables and refuses files, naming the path and the alternative', () => {
    expect(platform.env('KERASGPU_BACKEND')).toBeUndefined();
    expect(platform.outIsTerminal()).toBe(false);
    expect(() => platform.appendTextFile('log.csv', 'x')).toThrow(/cannot write 'log\.csv': a browser has no file system \(save models to bytes instead\)/);
  });

  it('takes navigator.gpu, and says when the browser has none', async () => {
    vi.stubGlobal('navigator', {});
    await expect(platform.gpu()).rejects.toThrow(/this browser has no WebGPU \(navigator\.gpu is undefined\)/);
    const gpu = { requestAdapter: async () => null } as unknown as GPU;
    vi.stubGlobal('navigator', { gpu });
    expect(await platform.gpu()).toBe(gpu);
  });
});
