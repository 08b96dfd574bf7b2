declare module 'virtual:templates' {
  export interface TemplateEntry {
    kind: 'hbs' | 'raw';
    executable: boolean;
    /** Precompiled Handlebars spec (kind 'hbs'). */
    spec?: unknown;
    /** Verbatim content (kind 'raw'). */
    text?: string;
  }
  const templates: Record<string, TemplateEntry>;
  export default templates;
}
declare const __CN_VERSION__: string;
