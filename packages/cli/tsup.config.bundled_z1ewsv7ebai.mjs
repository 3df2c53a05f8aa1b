// tsup.config.ts
import { defineConfig } from "tsup";
var tsup_config_default = defineConfig([
  {
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
    dts: true,
    clean: false,
    target: "node20",
    // Error classes report their own names (error.name) in logs and stats keys.
    keepNames: true,
    sourcemap: true
  },
  {
    // The executable is ESM only: it is run, never imported.
    entry: { bin: "src/bin.ts" },
    format: ["esm"],
    target: "node20",
    // Error classes report their own names (error.name) in logs and stats keys.
    keepNames: true,
    sourcemap: true,
    banner: { js: "#!/usr/bin/env node" }
  }
]);
export {
  tsup_config_default as default
};
//# sourceMappingURL=data:application/json;base64,ewogICJ2ZXJzaW9uIjogMywKICAic291cmNlcyI6IFsidHN1cC5jb25maWcudHMiXSwKICAic291cmNlc0NvbnRlbnQiOiBbImNvbnN0IF9faW5qZWN0ZWRfZmlsZW5hbWVfXyA9IFwiL3dvcmsvbWFpbi9wYWNrYWdlcy9jbGkvdHN1cC5jb25maWcudHNcIjtjb25zdCBfX2luamVjdGVkX2Rpcm5hbWVfXyA9IFwiL3dvcmsvbWFpbi9wYWNrYWdlcy9jbGlcIjtjb25zdCBfX2luamVjdGVkX2ltcG9ydF9tZXRhX3VybF9fID0gXCJmaWxlOi8vL3dvcmsvbWFpbi9wYWNrYWdlcy9jbGkvdHN1cC5jb25maWcudHNcIjtpbXBvcnQgeyBkZWZpbmVDb25maWcgfSBmcm9tICd0c3VwJztcblxuZXhwb3J0IGRlZmF1bHQgZGVmaW5lQ29uZmlnKFtcbiAge1xuICAgIGVudHJ5OiBbJ3NyYy9pbmRleC50cyddLFxuICAgIGZvcm1hdDogWydlc20nLCAnY2pzJ10sXG4gICAgZHRzOiB0cnVlLFxuICAgIGNsZWFuOiBmYWxzZSxcbiAgICB0YXJnZXQ6ICdub2RlMjAnLFxuICAgIC8vIEVycm9yIGNsYXNzZXMgcmVwb3J0IHRoZWlyIG93biBuYW1lcyAoZXJyb3IubmFtZSkgaW4gbG9ncyBhbmQgc3RhdHMga2V5cy5cbiAgICBrZWVwTmFtZXM6IHRydWUsXG4gICAgc291cmNlbWFwOiB0cnVlLFxuICB9LFxuICB7XG4gICAgLy8gVGhlIGV4ZWN1dGFibGUgaXMgRVNNIG9ubHk6IGl0IGlzIHJ1biwgbmV2ZXIgaW1wb3J0ZWQuXG4gICAgZW50cnk6IHsgYmluOiAnc3JjL2Jpbi50cycgfSxcbiAgICBmb3JtYXQ6IFsnZXNtJ10sXG4gICAgdGFyZ2V0OiAnbm9kZTIwJyxcbiAgICAvLyBFcnJvciBjbGFzc2VzIHJlcG9ydCB0aGVpciBvd24gbmFtZXMgKGVycm9yLm5hbWUpIGluIGxvZ3MgYW5kIHN0YXRzIGtleXMuXG4gICAga2VlcE5hbWVzOiB0cnVlLFxuICAgIHNvdXJjZW1hcDogdHJ1ZSxcbiAgICBiYW5uZXI6IHsganM6ICcjIS91c3IvYmluL2VudiBub2RlJyB9LFxuICB9LFxuXSk7XG4iXSwKICAibWFwcGluZ3MiOiAiO0FBQW1OLFNBQVMsb0JBQW9CO0FBRWhQLElBQU8sc0JBQVEsYUFBYTtBQUFBLEVBQzFCO0FBQUEsSUFDRSxPQUFPLENBQUMsY0FBYztBQUFBLElBQ3RCLFFBQVEsQ0FBQyxPQUFPLEtBQUs7QUFBQSxJQUNyQixLQUFLO0FBQUEsSUFDTCxPQUFPO0FBQUEsSUFDUCxRQUFRO0FBQUE7QUFBQSxJQUVSLFdBQVc7QUFBQSxJQUNYLFdBQVc7QUFBQSxFQUNiO0FBQUEsRUFDQTtBQUFBO0FBQUEsSUFFRSxPQUFPLEVBQUUsS0FBSyxhQUFhO0FBQUEsSUFDM0IsUUFBUSxDQUFDLEtBQUs7QUFBQSxJQUNkLFFBQVE7QUFBQTtBQUFBLElBRVIsV0FBVztBQUFBLElBQ1gsV0FBVztBQUFBLElBQ1gsUUFBUSxFQUFFLElBQUksc0JBQXNCO0FBQUEsRUFDdEM7QUFDRixDQUFDOyIsCiAgIm5hbWVzIjogW10KfQo=
