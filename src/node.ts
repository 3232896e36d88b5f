// webgpu-keras for Node: WebGPU through Dawn (the optional `webgpu` package). Without a GPU on
// Linux, Dawn runs on SwiftShader's Vulkan driver from Debian's chromium package when present.

import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setDeviceWait, setGpuProvider } from './backend/webgpu/gpu_provider';
import { installDawnEventPacing, pacedDeviceWait } from './backend/webgpu/dawn_event_pacing';
import { registerFileHandler } from './io/node_file_handler';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

let dawn: GPU | null = null;

setGpuProvider(async () => {
  if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && existsSync(SWIFTSHADER_ICD) && !hasSystemVulkanDriver()) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  // Dawn prints errors when it has no runtime directory.
  process.env.XDG_RUNTIME_DIR ??= tmpdir();
  if (!dawn) {
    const webgpu = (await import('webgpu')) as { create(flags: string[]): GPU; globals: Record<string, unknown> };
    Object.assign(globalThis, webgpu.globals);
    dawn = webgpu.create([]);
  }
  return dawn;
});

// Dawn busy-polls while a GPU promise is pending; the library's own waits pace it (also when the
// application created the Dawn instance and put it on navigator.gpu).
installDawnEventPacing();
setDeviceWait(pacedDeviceWait);

/** A GPU device node means a real Vulkan driver may serve; SwiftShader is for machines without one. */
function hasSystemVulkanDriver(): boolean {
  if (existsSync('/dev/nvidiactl')) return true;
  try {
    return readdirSync('/dev/dri').some((f) => f.startsWith('renderD'));
  } catch {
    return false;
  }
}

// File paths as save/load targets (node:fs stays out of the browser entry).
registerFileHandler();

export * from './index';
