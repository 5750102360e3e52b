// The part of html-to-text (10.x, no bundled types; mailparser's own converter) that read-forward.ts uses.
declare module 'html-to-text' {
  export interface ConvertOptions {
    wordwrap?: number | false;
    limits?: { maxDepth?: number };
    selectors?: { selector: string; format?: string; options?: Record<string, unknown> }[];
  }
  export function convert(html: string, options?: ConvertOptions): string;
}
