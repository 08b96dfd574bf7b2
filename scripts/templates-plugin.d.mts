export const VIRTUAL_ID: string;
export const HBS_OPTIONS: { strict: boolean; noEscape: boolean };
export function templatesModuleSource(root: string): string;
export function esbuildTemplatesPlugin(root: string): import('esbuild').Plugin;
export function viteTemplatesPlugin(root: string): import('vite').Plugin;
