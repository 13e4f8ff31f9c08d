// The browser bundle's entry: the whole library as one module (io's portable part).
export * from '@kerasgpu/layers';
export * from '@kerasgpu/io';
export * as core from '@kerasgpu/core';
