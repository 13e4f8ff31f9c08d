/**
 * The WebGPU flag values this library uses (fixed by the WebGPU specification). Browsers define
 * them as the globals `GPUBufferUsage` and `GPUMapMode`; Dawn's `webgpu` package in Node does
 * not, and installing its globals into `globalThis` would change the host's environment, so the
 * numbers live here.
 */
export const BufferUsage = { MAP_READ: 0x0001, COPY_SRC: 0x0004, COPY_DST: 0x0008, UNIFORM: 0x0040, STORAGE: 0x0080 } as const;
export const MapMode = { READ: 0x0001 } as const;
