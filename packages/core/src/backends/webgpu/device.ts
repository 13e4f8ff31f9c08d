import { platform } from '#platform';
import type { AdapterFacts } from '@kerasgpu/kernels';
import { BackendError } from '../../errors.js';

export interface AcquiredDevice { device: GPUDevice; facts: AdapterFacts }

/** Finds an adapter (a real GPU, or lavapipe on a CPU-only machine) and opens a device at its limits. */
export async function acquireDevice(): Promise<AcquiredDevice> {
  const gpu = await platform.gpu();
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new BackendError('webgpu: no adapter found (on a machine without a GPU, install a Vulkan CPU driver: scripts/install-vulkan-cpu.sh)');
  const l = adapter.limits;
  const features: GPUFeatureName[] = adapter.features.has('subgroups') ? ['subgroups'] : [];
  const device = await adapter.requestDevice({
    requiredFeatures: features,
    requiredLimits: {
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
      maxComputeWorkgroupSizeY: l.maxComputeWorkgroupSizeY,
      maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
    },
  });
  const info = adapter.info;
  const description = [info.description, info.vendor, info.architecture, info.device].filter((s) => s).join(' / ') || 'unknown adapter';
  const isCpu = /llvmpipe|lavapipe|swiftshader|cpu/i.test(description) || info.architecture === 'cpu';
  const facts: AdapterFacts = {
    description,
    isCpu,
    subgroups: features.includes('subgroups'),
    subgroupSize: info.subgroupMinSize ?? (isCpu ? 8 : 32),
    maxStorageBindingBytes: device.limits.maxStorageBufferBindingSize,
    maxWorkgroupsPerDim: device.limits.maxComputeWorkgroupsPerDimension,
    maxWorkgroupStorageBytes: device.limits.maxComputeWorkgroupStorageSize,
    maxInvocationsPerWorkgroup: device.limits.maxComputeInvocationsPerWorkgroup,
  };
  return { device, facts };
}
